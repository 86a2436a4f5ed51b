"""in-app notifications, e-mail action tokens

Revision ID: 4a8b3f2e6c10
Revises: 4a7e0c1d2b30
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '4a8b3f2e6c10'
down_revision = '4a7e0c1d2b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'key', name='uq_notifications_user_key')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('mail_action_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('request_version', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['approval_requests.id'], name=op.f('fk_mail_action_tokens_request_id_approval_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_id'], ['approval_steps.id'], name=op.f('fk_mail_action_tokens_step_id_approval_steps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_action_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_action_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_mail_action_tokens_token_hash'))
    )
    with op.batch_alter_table('mail_action_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_action_tokens_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_action_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_action_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_action_tokens_user_id'))
        batch_op.drop_index(batch_op.f('ix_mail_action_tokens_request_id'))

    op.drop_table('mail_action_tokens')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
