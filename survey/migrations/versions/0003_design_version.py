"""a design version per survey, for the per-process copies of questionnaires

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 00:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('design_version', sa.String(length=16), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('design_version')
