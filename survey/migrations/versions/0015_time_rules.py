"""Time rules: 答题时长限制 and 每日答题时段 per survey, and each response's 答题用时

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_limit_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('daily_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('daily_until', sa.Integer(), nullable=True))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duration_seconds', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('duration_seconds')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('daily_until')
        batch_op.drop_column('daily_from')
        batch_op.drop_column('time_limit_minutes')
