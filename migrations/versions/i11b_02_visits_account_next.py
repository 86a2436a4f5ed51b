"""visits (account_id, next_date): home pages count due next steps from the index alone

Revision ID: i11b_02_visits_account_next
Revises: i11b_01_user_phone
Create Date: 2026-12-03 17:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i11b_02_visits_account_next'
down_revision = 'i11b_01_user_phone'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_account_next', ['account_id', 'next_date'], unique=False)


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_account_next')
