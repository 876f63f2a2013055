"""A plan's online repository, as OGP Local asks of every member: for each requirement, the
evidence the portal holds with its last update (evidence.py), the public page that lists it
(views.py) and the reminder sent to the council's staff when a running plan has gone four months
without an update (reminders.py)."""
