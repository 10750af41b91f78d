"""Alembic environment: runs on the connection ``survey.db.upgrade`` hands over."""

from __future__ import annotations

from alembic import context

import survey.accounts.models
import survey.consultations.models
import survey.core.audit
import survey.review.models
import survey.surveys.models
import survey.webhooks.models  # noqa: F401 - every table is on Base.metadata once imported
from survey.core.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
