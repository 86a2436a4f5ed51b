"""approval settings versions

Revision ID: i11a_01_settings
Revises: i13_a1_session_generation
Create Date: 2026-12-03 16:40:32.217493

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = 'i11a_01_settings'
down_revision = 'i13_a1_session_generation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('approval_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('support_executive_threshold', webapp.common.types.Money(), nullable=False),
    sa.Column('contract_executive_threshold', webapp.common.types.Money(), nullable=True),
    sa.Column('support_step_days', sa.Integer(), nullable=False),
    sa.Column('credit_step_days', sa.Integer(), nullable=False),
    sa.Column('contract_step_days', sa.Integer(), nullable=False),
    sa.Column('credit_reminder_days', sa.String(length=40), nullable=False),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_approval_settings_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_settings'))
    )
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_approval_requests_settings_id_approval_settings'), 'approval_settings', ['settings_id'], ['id'])



def downgrade():
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_approval_requests_settings_id_approval_settings'), type_='foreignkey')
        batch_op.drop_column('settings_id')

    op.drop_table('approval_settings')
