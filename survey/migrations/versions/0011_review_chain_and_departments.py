"""review chain and sign-offs, departments (科室), withdrawn publications, new roles

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:28:52.553964
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('name', name=op.f('uq_department_name'))
    )
    op.create_table('review_step',
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('permission', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_review_step'))
    )
    op.create_table('review_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('state_hash', sa.String(length=64), server_default='', nullable=False),
    sa.Column('chain', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('signed_steps', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('checked_by', sa.String(length=64), nullable=False),
    sa.Column('check_ok', sa.Boolean(), nullable=True),
    sa.Column('check_note', sa.Text(), nullable=False),
    sa.Column('check_items', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_review_request_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_review_request_submitted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_review_request_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_request'))
    )
    with op.batch_alter_table('review_request', schema=None) as batch_op:
        batch_op.create_index('ix_review_request_consultation_id', ['consultation_id'], unique=False)
        batch_op.create_index('ix_review_request_status', ['status', 'submitted_at'], unique=False)
        batch_op.create_index('ix_review_request_survey_id', ['survey_id'], unique=False)

    op.create_table('review_signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('step_name', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['review_request.id'], name=op.f('fk_review_signoff_request_id_review_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_review_signoff_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_signoff'))
    )
    with op.batch_alter_table('review_signoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_signoff_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_consultation_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_consultation_department_id_department'), 'department', ['department_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('feedback_publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('result_publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_survey_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_survey_department_id_department'), 'department', ['department_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_account_department_id_department'), 'department', ['department_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(op.f('ck_user_account_role'), type_='check')
        batch_op.create_check_constraint('role', "role IN ('viewer', 'editor', 'reviewer', 'approver', 'admin')")



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_department_id_department'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_account_department_id'))
        batch_op.drop_column('department_id')
        batch_op.drop_constraint(op.f('ck_user_account_role'), type_='check')
        batch_op.create_check_constraint('role', "role IN ('viewer', 'editor', 'admin')")

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_survey_department_id_department'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_survey_department_id'))
        batch_op.drop_column('department_id')

    with op.batch_alter_table('result_publication', schema=None) as batch_op:
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('content_hash')

    with op.batch_alter_table('feedback_publication', schema=None) as batch_op:
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('content_hash')

    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consultation_department_id_department'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_consultation_department_id'))
        batch_op.drop_column('department_id')

    with op.batch_alter_table('review_signoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_signoff_request_id'))

    op.drop_table('review_signoff')
    with op.batch_alter_table('review_request', schema=None) as batch_op:
        batch_op.drop_index('ix_review_request_survey_id')
        batch_op.drop_index('ix_review_request_status')
        batch_op.drop_index('ix_review_request_consultation_id')

    op.drop_table('review_request')
    op.drop_table('review_step')
    op.drop_table('department')
