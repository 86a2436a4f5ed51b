"""pipeline board index: accounts by department and stage, so each column's top-N query of a
department's board reads only that stage's accounts

Revision ID: i14_03_board_index
Revises: i14_02_credit_scorings
Create Date: 2026-12-03 18:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i14_03_board_index'
down_revision = 'i14_02_credit_scorings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index('ix_accounts_department_stage', ['department_id', 'stage'], unique=False)


def downgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_accounts_department_stage')
