"""Citizens following a council, a plan, a commitment, a proposal or their own comment's thread
by e-mail, and being told what happened (models in `commitments/models/follows.py`)."""
