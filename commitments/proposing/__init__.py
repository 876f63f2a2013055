"""Citizens' proposals sent online during co-creation and their supports: posting and
confirming (services.py, confirmation.py), the staff's moderation (moderation.py), the public
form and pages (forms.py, views.py)."""
