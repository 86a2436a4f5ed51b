"""monthly analysis reports (客户开发月度分析报告): the subject of each stored report

Revision ID: dash16_01_monthly_reports
Revises: find16_01_lists_and_search
Create Date: 2026-12-03 20:00:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.common.types

revision = 'dash16_01_monthly_reports'
down_revision = 'find16_01_lists_and_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'monthly_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('month', 'department_id', 'subject', name='uq_monthly_report'),
    )
    with op.batch_alter_table('monthly_reports', schema=None) as batch_op:
        batch_op.create_index('ix_monthly_reports_department_id', ['department_id'], unique=False)


def downgrade():
    with op.batch_alter_table('monthly_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_monthly_reports_department_id')
    op.drop_table('monthly_reports')
