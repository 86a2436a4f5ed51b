"""evaluation weights and grade thresholds

Revision ID: 7f1e2d3c4b50
Revises: 6e5a1b9c3d50
Create Date: 2026-11-23 19:00:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '7f1e2d3c4b50'
down_revision = '6e5a1b9c3d50'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_weights',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_evaluation_weights_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_evaluation_weights'))
    )


def downgrade():
    op.drop_table('evaluation_weights')
