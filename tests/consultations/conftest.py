"""Consultations made through the services, as staff make them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from survey.consultations import design, lifecycle
from survey.consultations.models import Consultation
from survey.core.models import utcnow

DRAFT = Path(__file__).parent.parent / "data" / "trade-measures-draft.txt"


@pytest.fixture
def make_consultation(session):
    def make(text: str | None = None, *, open_now: bool = True, **settings) -> Consultation:
        now = utcnow()
        chosen = design.Settings(
            title=settings.pop("title", ""),
            issuer=settings.pop("issuer", "招远市商务局"),
            closes_at=settings.pop("closes_at", now + timedelta(days=30)),
            **settings,
        )
        consultation, _warnings = design.create_consultation(
            session, None, chosen, text if text is not None else DRAFT.read_text("utf-8")
        )
        if open_now:
            lifecycle.open_consultation(session, consultation, None, now)
        session.commit()
        return consultation

    return make
