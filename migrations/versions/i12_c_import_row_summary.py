"""import rows keep the client, date, product and amount the dry run lists

Revision ID: i12_c_import_row_summary
Revises: i12_b_history_subject_deputy
Create Date: 2026-12-03 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i12_c_import_row_summary'
down_revision = 'i12_b_history_subject_deputy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.drop_column('summary')
