"""responses by survey in id order, and the invalid ones apart

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 01:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_survey_id', ['survey_id', 'id'], unique=False)
        batch_op.create_index(
            'ix_response_invalid', ['survey_id', 'id'], unique=False,
            sqlite_where=sa.text('invalid_at IS NOT NULL'),
            postgresql_where=sa.text('invalid_at IS NOT NULL'),
        )


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_invalid')
        batch_op.drop_index('ix_response_survey_id')
