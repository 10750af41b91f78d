"""published result snapshots, invalid responses, disclosure control

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'result_publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('published_by', sa.String(length=64), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_result_publication_survey_id_survey'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_result_publication')),
        sa.UniqueConstraint('survey_id', 'version', name=op.f('uq_result_publication_survey_id')),
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invalid_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('invalid_reason', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_cell_size', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('min_cell_size')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('invalid_reason')
        batch_op.drop_column('invalid_at')

    op.drop_table('result_publication')
