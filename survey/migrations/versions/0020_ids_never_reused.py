"""On SQLite, ids of surveys, questions, options, responses, invitations and webhook
endpoints are never given again after their rows are deleted (AUTOINCREMENT)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 01:50:00
"""

from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

TABLES = ('survey', 'question', 'option', 'response', 'invitation', 'webhook_endpoint')


def _rebuild(autoincrement: bool) -> None:
    # PostgreSQL's sequences never reuse an id; SQLite needs the table rebuilt with the option.
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
