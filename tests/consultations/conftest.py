"""What the consultation tests share (the fixture making one is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

DRAFT = Path(__file__).parent.parent.parent / "survey" / "consultations" / "demo-draft.txt"
