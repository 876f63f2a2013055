"""Proposals sent online: posting and confirming them, supports, and their moderation."""
