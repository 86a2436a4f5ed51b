"""sales plans, purchases, payments, imports, complaints, warnings

Revision ID: 6e5a1b9c3d50
Revises: 5d1f7a3b9e20
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '6e5a1b9c3d50'
down_revision = '5d1f7a3b9e20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('plan', 'purchase', 'payment', 'expense', name='importkind', native_enum=False, length=32), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'checking', 'checked', 'importing', 'done', 'failed', name='batchstatus', native_enum=False, length=32), nullable=False),
    sa.Column('commit_requested', sa.Boolean(), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('new_rows', sa.Integer(), nullable=False),
    sa.Column('updated_rows', sa.Integer(), nullable=False),
    sa.Column('same_rows', sa.Integer(), nullable=False),
    sa.Column('duplicate_rows', sa.Integer(), nullable=False),
    sa.Column('bad_rows', sa.Integer(), nullable=False),
    sa.Column('header', sa.JSON(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('imported_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_import_batches_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batches_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('warning_rules',
    sa.Column('key', sa.Enum('arrears_over_limit', 'behind_plan', 'behind_last_year', 'less_frequent', 'expenses_over_budget', 'churn', 'major_event', 'approval_overdue', 'credit_overdue', 'contract_expiring', name='rulekey', native_enum=False, length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_warning_rules_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_warning_rules'))
    )
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('recorded', 'investigated', 'instructed', 'client_told', 'archived', name='complaintstatus', native_enum=False, length=32), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_complaints_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_complaints_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_account_status', ['account_id', 'status'], unique=False)

    op.create_table('early_warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.Enum('arrears_over_limit', 'behind_plan', 'behind_last_year', 'less_frequent', 'expenses_over_budget', 'churn', 'major_event', 'approval_overdue', 'credit_overdue', 'contract_expiring', name='rulekey', native_enum=False, length=32), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('assignee_role', sa.Enum('account_manager', 'supervisor', 'department_head', 'executive', 'finance', 'custodian', 'admin', name='role', native_enum=False, length=32), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'acknowledged', 'resolved', 'cleared', name='warningstatus', native_enum=False, length=32), nullable=False),
    sa.Column('holding', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('raised_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_early_warnings_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_early_warnings_assignee_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_early_warnings_department_id_departments')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_early_warnings_handled_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_early_warnings'))
    )
    with op.batch_alter_table('early_warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_early_warnings_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_early_warnings_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index('ix_early_warnings_rule_holding', ['rule', 'holding'], unique=False)
        batch_op.create_index(batch_op.f('ix_early_warnings_status'), ['status'], unique=False)

    op.create_table('import_rows',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('new', 'update', 'same', 'duplicate', 'bad', name='rowoutcome', native_enum=False, length=32), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('cells', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_import_rows_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'row_number', name=op.f('pk_import_rows'))
    )
    op.create_table('major_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('theft', 'accident', 'split', 'illness', 'other', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_major_events_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_major_events_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_major_events'))
    )
    with op.batch_alter_table('major_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_major_events_account_id'), ['account_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', webapp.common.types.Money(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('natural_key', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_payments_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_payments_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_payments_natural_key'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_account_date', ['account_id', 'paid_on'], unique=False)

    op.create_table('purchases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('purchased_on', sa.Date(), nullable=False),
    sa.Column('document_no', sa.String(length=40), nullable=True),
    sa.Column('product', sa.String(length=80), nullable=False),
    sa.Column('spec', sa.String(length=80), nullable=False),
    sa.Column('quantity', webapp.common.types.Money(), nullable=False),
    sa.Column('amount', webapp.common.types.Money(), nullable=False),
    sa.Column('settled', webapp.common.types.Money(), nullable=False),
    sa.Column('natural_key', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_purchases_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_purchases_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchases')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_purchases_natural_key'))
    )
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.create_index('ix_purchases_account_date', ['account_id', 'purchased_on'], unique=False)

    op.create_table('sales_expenses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('amount', webapp.common.types.Money(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('natural_key', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_sales_expenses_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_sales_expenses_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_expenses')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_sales_expenses_natural_key'))
    )
    with op.batch_alter_table('sales_expenses', schema=None) as batch_op:
        batch_op.create_index('ix_sales_expenses_account_date', ['account_id', 'spent_on'], unique=False)

    op.create_table('sales_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('product', sa.String(length=80), nullable=False),
    sa.Column('spec', sa.String(length=80), nullable=False),
    sa.Column('quantity', webapp.common.types.Money(), nullable=False),
    sa.Column('amount', webapp.common.types.Money(), nullable=True),
    sa.Column('schedule', sa.String(length=200), nullable=True),
    sa.Column('support', sa.String(length=200), nullable=True),
    sa.Column('natural_key', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_sales_plans_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_sales_plans_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_plans')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_sales_plans_natural_key'))
    )
    with op.batch_alter_table('sales_plans', schema=None) as batch_op:
        batch_op.create_index('ix_sales_plans_account_month', ['account_id', 'month'], unique=False)

    op.create_table('complaint_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('recorded', 'investigated', 'instructed', 'client_told', 'archived', name='complaintstatus', native_enum=False, length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_complaint_steps_actor_id_users')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_steps_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_steps'))
    )
    with op.batch_alter_table('complaint_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_steps_complaint_id'), ['complaint_id'], unique=False)



def downgrade():
    with op.batch_alter_table('complaint_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_steps_complaint_id'))

    op.drop_table('complaint_steps')
    with op.batch_alter_table('sales_plans', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_plans_account_month')

    op.drop_table('sales_plans')
    with op.batch_alter_table('sales_expenses', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_expenses_account_date')

    op.drop_table('sales_expenses')
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_purchases_account_date')

    op.drop_table('purchases')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_account_date')

    op.drop_table('payments')
    with op.batch_alter_table('major_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_major_events_account_id'))

    op.drop_table('major_events')
    op.drop_table('import_rows')
    with op.batch_alter_table('early_warnings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_early_warnings_status'))
        batch_op.drop_index('ix_early_warnings_rule_holding')
        batch_op.drop_index('ix_early_warnings_assignee_status')
        batch_op.drop_index(batch_op.f('ix_early_warnings_account_id'))

    op.drop_table('early_warnings')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_account_status')

    op.drop_table('complaints')
    op.drop_table('warning_rules')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batches_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_import_batches_sha256'))

    op.drop_table('import_batches')
