"""background jobs and the e-mail outbox: `jobs` (what ran for whom, state, attempts, last
error, progress) and `outbox` (mail written with its event, sent once by a worker)

Revision ID: q18_01_jobs_outbox
Revises: plan15_01_plans
Create Date: 2026-12-03 20:30:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.common.types


# revision identifiers, used by Alembic.
revision = 'q18_01_jobs_outbox'
down_revision = 'plan15_01_plans'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.Enum('queued', 'running', 'retrying', 'done', 'failed', name='jobstate', native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column('enqueued', sa.Boolean(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('max_attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('progress', sa.String(length=200), nullable=True),
        sa.Column('request_id', sa.String(length=64), nullable=True),
        sa.Column('created_at', webapp.common.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', webapp.common.types.UTCDateTime(), nullable=False),
        sa.Column('started_at', webapp.common.types.UTCDateTime(), nullable=True),
        sa.Column('finished_at', webapp.common.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_subject', ['name', 'subject'], unique=False)
        batch_op.create_index('ix_jobs_state_updated', ['state', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_user_id'), ['user_id'], unique=False)
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', webapp.common.types.UTCDateTime(), nullable=False),
        sa.Column('claimed_at', webapp.common.types.UTCDateTime(), nullable=True),
        sa.Column('claim', sa.String(length=40), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('sent_at', webapp.common.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id'),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_unsent', ['sent_at', 'claimed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_unsent')
    op.drop_table('outbox')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_user_id'))
        batch_op.drop_index('ix_jobs_state_updated')
        batch_op.drop_index('ix_jobs_subject')
    op.drop_table('jobs')
