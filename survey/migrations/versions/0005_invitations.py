"""invitations of enterprises, responses linked to them, surveys that require one

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('enterprise', sa.String(length=200), nullable=False),
        sa.Column('contact', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('credit_code', sa.String(length=18), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_invitation_survey_id_survey'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('token', name=op.f('uq_invitation_token')),
    )
    op.create_index(op.f('ix_invitation_survey_id'), 'invitation', ['survey_id'], unique=False)
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_response_invitation_id'), ['invitation_id'])
        batch_op.create_foreign_key(batch_op.f('fk_response_invitation_id_invitation'), 'invitation', ['invitation_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_invitation', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('requires_invitation')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_response_invitation_id_invitation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_response_invitation_id'), type_='unique')
        batch_op.drop_column('invitation_id')

    op.drop_index(op.f('ix_invitation_survey_id'), table_name='invitation')
    op.drop_table('invitation')
