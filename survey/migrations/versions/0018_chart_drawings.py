"""Published result versions keep their charts as SVG drawings

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('result_publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charts', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('result_publication', schema=None) as batch_op:
        batch_op.drop_column('charts')
