"""consultations: drafts, their parts, opinions and published feedback

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:29:38.653462
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('contact_lines', sa.Text(), nullable=False),
    sa.Column('minimum_period', sa.String(length=16), nullable=False),
    sa.Column('name_rule', sa.String(length=16), nullable=False),
    sa.Column('contact_rule', sa.String(length=16), nullable=False),
    sa.Column('show_opinions', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('challenge', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('flag_words', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('feedback_published_at', sa.DateTime(), nullable=True),
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed', 'archived')", name=op.f('ck_consultation_status')),
    sa.CheckConstraint('closes_at IS NULL OR opens_at IS NULL OR opens_at < closes_at', name=op.f('ck_consultation_window')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation')),
    sa.UniqueConstraint('slug', name=op.f('uq_consultation_slug'))
    )
    op.create_table('draft_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_draft_version_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_version')),
    sa.UniqueConstraint('consultation_id', 'number', name=op.f('uq_draft_version_consultation_id'))
    )
    with op.batch_alter_table('draft_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_version_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('feedback_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_feedback_publication_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_publication')),
    sa.UniqueConstraint('consultation_id', 'version', name=op.f('uq_feedback_publication_consultation_id'))
    )
    with op.batch_alter_table('feedback_publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_publication_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('draft_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('paragraphs', sa.JSON(), nullable=False),
    sa.Column('chapter', sa.String(length=240), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['draft_version.id'], name=op.f('fk_draft_part_version_id_draft_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_part')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_draft_part_version_id'))
    )
    with op.batch_alter_table('draft_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_part_version_id'), ['version_id'], unique=False)

    op.create_table('opinion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('part_key', sa.String(length=40), nullable=False),
    sa.Column('receipt', sa.String(length=16), nullable=False),
    sa.Column('form_key', sa.String(length=32), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('origin', sa.String(length=32), nullable=False),
    sa.Column('device', sa.String(length=32), nullable=False),
    sa.Column('submitter', sa.String(length=32), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('screening', sa.String(length=16), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_opinion_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['opinion.id'], name=op.f('fk_opinion_merged_into_id_opinion'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['part_id'], ['draft_part.id'], name=op.f('fk_opinion_part_id_draft_part'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['draft_version.id'], name=op.f('fk_opinion_version_id_draft_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinion')),
    sa.UniqueConstraint('form_key', name=op.f('uq_opinion_form_key')),
    sa.UniqueConstraint('receipt', name=op.f('uq_opinion_receipt'))
    )
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.create_index('ix_opinion_consultation_part', ['consultation_id', 'part_key', 'screening'], unique=False)
        batch_op.create_index('ix_opinion_consultation_received', ['consultation_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_merged_into_id'), ['merged_into_id'], unique=False)

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_event_consultation_at', ['consultation_id', 'at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_consultation_id_consultation'), 'consultation', ['consultation_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_event_consultation_id_consultation'), type_='foreignkey')
        batch_op.drop_index('ix_audit_event_consultation_at')
        batch_op.drop_column('consultation_id')

    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinion_merged_into_id'))
        batch_op.drop_index('ix_opinion_consultation_received')
        batch_op.drop_index('ix_opinion_consultation_part')

    op.drop_table('opinion')
    with op.batch_alter_table('draft_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_part_version_id'))

    op.drop_table('draft_part')
    with op.batch_alter_table('feedback_publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_publication_consultation_id'))

    op.drop_table('feedback_publication')
    with op.batch_alter_table('draft_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_version_consultation_id'))

    op.drop_table('draft_version')
    op.drop_table('consultation')
