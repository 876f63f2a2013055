"""Kept only because migrations 0009 and 0011 name commitments.models_progress.evidence_path
(migrations are never edited); the models are in commitments/models/."""

from commitments.models.progress import evidence_path

__all__ = ["evidence_path"]
