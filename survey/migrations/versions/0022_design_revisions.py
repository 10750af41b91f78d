"""The designer keeps the questionnaire as it was before each change, for 撤销

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 04:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'design_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('question_key', sa.String(length=64), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_design_revision_survey_id_survey'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_design_revision_user_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_design_revision')),
    )
    with op.batch_alter_table('design_revision', schema=None) as batch_op:
        batch_op.create_index('ix_design_revision_survey_id', ['survey_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('design_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_design_revision_survey_id')
    op.drop_table('design_revision')
