"""Collection controls: 防重复 policies and the flags of suspected duplicates, personal
questions sealed at rest, and their retention

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 19:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('once_per', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('suspect_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('personal_purged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('challenge', sa.String(length=8), server_default='', nullable=False))
        batch_op.add_column(sa.Column('challenge_after', sa.Integer(), server_default='20', nullable=False))
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_hash', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('address_hash', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('answers_digest', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('once_key', sa.String(length=64), nullable=True))
    op.create_index('uq_response_once', 'response', ['survey_id', 'once_key'], unique=True)
    op.create_index('ix_response_device', 'response', ['survey_id', 'device_hash'])
    op.create_index('ix_response_address', 'response', ['survey_id', 'address_hash'])
    op.create_index('ix_response_digest', 'response', ['survey_id', 'answers_digest'])


def downgrade() -> None:
    for name in ('ix_response_digest', 'ix_response_address', 'ix_response_device', 'uq_response_once'):
        op.drop_index(name, table_name='response')
    with op.batch_alter_table('response', schema=None) as batch_op:
        for column in ('once_key', 'answers_digest', 'address_hash', 'device_hash'):
            batch_op.drop_column(column)
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('sealed')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('personal')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        for column in ('challenge_after', 'challenge', 'closed_at', 'personal_purged_at', 'retention_days', 'suspect_seconds', 'once_per'):
            batch_op.drop_column(column)
