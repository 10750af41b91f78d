"""个人信息使用说明: a survey's notice on personal data, and whether respondents must agree

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 17:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('consent_required', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('consent_required')
        batch_op.drop_column('consent_text')
