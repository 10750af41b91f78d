"""回收上限 and quotas: a survey's cap of valid responses, and quotas on options

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 16:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_cap', sa.Integer(), nullable=True))

    op.create_table('quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('quota_limit', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('quota_limit >= 0', name=op.f('ck_quota_limit_not_negative')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_quota_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota'))
    )
    with op.batch_alter_table('quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_survey_id'), ['survey_id'], unique=False)

    op.create_table('quota_option',
    sa.Column('quota_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['option.id'], name=op.f('fk_quota_option_option_id_option'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quota_id'], ['quota.id'], name=op.f('fk_quota_option_quota_id_quota'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('quota_id', 'option_id', name=op.f('pk_quota_option'))
    )
    with op.batch_alter_table('quota_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_option_option_id'), ['option_id'], unique=False)


def downgrade() -> None:
    op.drop_table('quota_option')
    op.drop_table('quota')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('response_cap')
