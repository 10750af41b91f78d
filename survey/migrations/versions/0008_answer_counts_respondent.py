"""the answer row that counts its respondent, in the per-response index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 03:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('counts_respondent', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # The first answer row of each response to each question counts the respondent.
    op.execute(
        "UPDATE answer SET counts_respondent = true WHERE id IN "
        "(SELECT min(id) FROM answer GROUP BY response_id, question_id)"
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_response')
        batch_op.create_index(
            'ix_answer_response',
            ['response_id', 'question_id', 'option_id', 'counts_respondent'],
            unique=False,
        )
    if op.get_bind().dialect.name == 'postgresql':
        # An option belongs to one question: told so, the planner estimates the answers to an
        # option (the rows a filtered report starts from) without assuming the two independent.
        op.execute(
            "CREATE STATISTICS answer_question_option (dependencies) "
            "ON question_id, option_id FROM answer"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP STATISTICS answer_question_option")
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_response')
        batch_op.create_index(
            'ix_answer_response', ['response_id', 'question_id', 'option_id'], unique=False
        )
        batch_op.drop_column('counts_respondent')
