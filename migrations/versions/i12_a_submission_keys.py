"""submission keys: create forms answer a repeated post with the first result

Revision ID: i12_a_submission_keys
Revises: i11b_02_visits_account_next
Create Date: 2026-12-03 16:50:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = 'i12_a_submission_keys'
down_revision = 'i11b_02_visits_account_next'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_keys',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submission_keys_user_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_submission_keys'))
    )


def downgrade():
    op.drop_table('submission_keys')
