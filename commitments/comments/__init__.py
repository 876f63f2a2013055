"""Citizens' comments on plans under consultation: posting (services, with their rate limits),
the confirmation e-mail and its tasks (confirmation), the moderators' digest (digest), the public
pages (views, forms, selectors) and the moderation queue (admin, exports)."""
