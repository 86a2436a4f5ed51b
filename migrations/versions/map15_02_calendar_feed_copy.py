"""calendar feeds keep the feed as last built and the digest of what it says (served again until it changes)

Revision ID: map15_02_calendar_feed_copy
Revises: dash16_01_monthly_reports
Create Date: 2026-12-04 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'map15_02_calendar_feed_copy'
down_revision = 'dash16_01_monthly_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('body_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_column('body_key')
        batch_op.drop_column('body')
