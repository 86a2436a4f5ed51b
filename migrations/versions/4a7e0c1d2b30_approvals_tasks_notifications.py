"""support tasks; contract approval link

Revision ID: 4a7e0c1d2b30
Revises: 637b99dc265b
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '4a7e0c1d2b30'
down_revision = '637b99dc265b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('sales', 'market', 'after_sales', 'finance', 'training', 'seminar', 'staff_vehicle', 'advertising', name='supportkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('budget', webapp.common.types.Money(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'delivered', name='taskstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_by_id', sa.Integer(), nullable=True),
    sa.Column('delivery_note', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_support_tasks_account_id_accounts')),
    sa.ForeignKeyConstraint(['delivered_by_id'], ['users.id'], name=op.f('fk_support_tasks_delivered_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['approval_requests.id'], name=op.f('fk_support_tasks_request_id_approval_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_tasks')),
    sa.UniqueConstraint('request_id', name=op.f('uq_support_tasks_request_id'))
    )
    with op.batch_alter_table('support_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_tasks_account_id'), ['account_id'], unique=False)

    # inbox speed: "filed by me" and "decided by me" by index; no index on the boolean
    # `current`, which SQLite preferred to the request key when joining a request to its step
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_requests_applicant_id')
        batch_op.create_index('ix_approval_requests_applicant_filed', ['applicant_id', 'filed_at'], unique=False)
    with op.batch_alter_table('approval_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_steps_current')
        batch_op.drop_index('ix_approval_steps_inbox')
        batch_op.create_index('ix_approval_steps_open', ['status', 'current', 'role', 'department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_steps_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_steps_assignee_id'), ['assignee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('approval_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_steps_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_approval_steps_decided_by_id'))
        batch_op.drop_index('ix_approval_steps_open')
        batch_op.create_index('ix_approval_steps_inbox', ['status', 'role', 'department_id'], unique=False)
        batch_op.create_index('ix_approval_steps_current', ['current'], unique=False)
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_requests_applicant_filed')
        batch_op.create_index('ix_approval_requests_applicant_id', ['applicant_id'], unique=False)
    with op.batch_alter_table('support_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_tasks_account_id'))

    op.drop_table('support_tasks')
