"""OGP Local's monitoring body: its inception and end-of-commitment assessments (admin, limited
to the rows each monitor files), the services that list a plan's commitments in an inception
assessment, the reads the public pages and the plan's repository share (selectors), and the
reminders of assessments due (reminders)."""
