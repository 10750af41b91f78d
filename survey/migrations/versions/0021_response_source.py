"""Responses record how they arrived (来源): link, QR code or invitation

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 04:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='', nullable=False))
    # An invitation's response is known to have come through it; whether the others came by the
    # link or its QR code was not recorded, and stays "" (shown as 未记录).
    op.execute("UPDATE response SET source = 'invitation' WHERE invitation_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('source')
