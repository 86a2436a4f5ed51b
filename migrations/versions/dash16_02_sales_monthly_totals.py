"""monthly sales totals per client, month and product (the dashboard's sales figures), filled
from the purchases; indexes on the purchase date and the plan month that hold what the figures sum

Revision ID: dash16_02_sales_monthly_totals
Revises: map15_02_calendar_feed_copy
Create Date: 2026-12-04 00:30:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.common.types

revision = 'dash16_02_sales_monthly_totals'
down_revision = 'map15_02_calendar_feed_copy'
branch_labels = None
depends_on = None

# The same sums as webapp/dashboard/totals.py:totals_select (`flask dashboard rebuild-totals`),
# written out so this migration keeps meaning what it meant when the code moves on.
FILL = """
INSERT INTO sales_monthly_totals
    (account_id, month, product, amount, quantity, unsettled, purchases)
SELECT account_id, {month}, product, SUM(amount), SUM(quantity),
       SUM(CASE WHEN amount > settled THEN amount - settled ELSE 0 END), COUNT(*)
FROM purchases
GROUP BY account_id, {month}, product
"""
MONTH = {
    'sqlite': "date(purchased_on, 'start of month')",
    'postgresql': "CAST(date_trunc('month', CAST(purchased_on AS timestamp)) AS date)",
}


def upgrade():
    op.create_table(
        'sales_monthly_totals',
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('product', sa.String(length=80), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('amount', webapp.common.types.Money(), nullable=False),
        sa.Column('quantity', webapp.common.types.Money(), nullable=False),
        sa.Column('unsettled', webapp.common.types.Money(), nullable=False),
        sa.Column('purchases', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['account_id'],
            ['accounts.id'],
            name=op.f('fk_sales_monthly_totals_account_id_accounts'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'account_id', 'product', 'month', name=op.f('pk_sales_monthly_totals')
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.create_index(
            'ix_purchases_date_owed',
            ['purchased_on', 'account_id', 'amount', 'settled'],
            unique=False,
        )
    with op.batch_alter_table('sales_plans', schema=None) as batch_op:
        batch_op.create_index(
            'ix_sales_plans_month_owed',
            ['month', 'account_id', 'product', 'amount'],
            unique=False,
        )
    bind = op.get_bind()
    op.execute(FILL.format(month=MONTH[bind.dialect.name]))


def downgrade():
    with op.batch_alter_table('sales_plans', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_plans_month_owed')
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_purchases_date_owed')
    op.drop_table('sales_monthly_totals')
