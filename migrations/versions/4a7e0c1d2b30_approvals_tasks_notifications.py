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


def downgrade():
    with op.batch_alter_table('support_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_tasks_account_id'))

    op.drop_table('support_tasks')
