"""The multi-stakeholder forum: its admin, the section it adds to its council's page, the
downloads of its rules and minutes, a plan's repository of evidence for OGP and the reminder
sent when a plan has gone four months without an update."""
