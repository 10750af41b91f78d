"""response counters, and an index to read one response's answers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 22:43:37.125613
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('option', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_count', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('respondent_count', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_response_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_response_id')
        batch_op.create_index('ix_answer_response', ['response_id', 'question_id', 'option_id'], unique=False)

    # Count what is already stored, so the counters start right.
    op.execute(
        "UPDATE option SET answer_count = "
        "(SELECT count(*) FROM answer WHERE answer.option_id = option.id)"
    )
    op.execute(
        "UPDATE question SET respondent_count = "
        "(SELECT count(DISTINCT response_id) FROM answer WHERE answer.question_id = question.id)"
    )
    op.execute(
        "UPDATE survey SET response_count = "
        "(SELECT count(*) FROM response WHERE response.survey_id = survey.id), "
        "last_response_at = "
        "(SELECT max(submitted_at) FROM response WHERE response.survey_id = survey.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_response')
        batch_op.create_index('ix_answer_response_id', ['response_id'], unique=False)

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('last_response_at')
        batch_op.drop_column('response_count')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('respondent_count')

    with op.batch_alter_table('option', schema=None) as batch_op:
        batch_op.drop_column('answer_count')

