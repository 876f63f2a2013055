"""Implementation progress (the follow-up of a running plan; "follow" is kept for citizens
following a plan): recording dated progress on milestones and indicators (services), reminders
to coordinators and their task (reminders), the progress report and the pages showing it
(selectors, views), the assessments and self-assessments (admin)."""
