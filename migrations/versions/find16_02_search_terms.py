"""search index (search_terms): the terms accounts, contacts, contracts, requests and proposals
are found by, filled here

Revision ID: find16_02_search_terms
Revises: dash16_02_sales_monthly_totals
Create Date: 2026-12-04 00:30:00

"""
import sqlalchemy as sa
from alembic import op

from webapp.search.terms import TERM_LENGTH, account_terms, contact_terms, record_terms

revision = 'find16_02_search_terms'
down_revision = 'dash16_02_sales_monthly_totals'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    terms = op.create_table(
        'search_terms',
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column(
            'term',
            sa.String(length=TERM_LENGTH).with_variant(
                sa.String(length=TERM_LENGTH, collation='C'), 'postgresql'
            ),
            nullable=False,
        ),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'term', 'record_id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_search_terms_record', 'search_terms', ['kind', 'record_id'], unique=False)
    bind = op.get_bind()
    accounts = sa.table(
        'accounts', sa.column('id'), sa.column('name'), sa.column('short_name'),
        sa.column('tax_number'), sa.column('phone'),
    )
    contacts = sa.table(
        'contacts', sa.column('id'), sa.column('name'), sa.column('phone'), sa.column('email')
    )
    contracts = sa.table('contracts', sa.column('id'), sa.column('number'), sa.column('title'))
    requests = sa.table(
        'approval_requests', sa.column('id'), sa.column('number'), sa.column('title')
    )
    proposals = sa.table('proposals', sa.column('id'), sa.column('title'))
    for kind, table, columns, make in (
        ('account', accounts, ('name', 'short_name', 'tax_number', 'phone'), account_terms),
        ('contact', contacts, ('name', 'phone', 'email'), contact_terms),
        ('contract', contracts, ('number', 'title'), record_terms),
        ('request', requests, ('number', 'title'), record_terms),
        ('proposal', proposals, ('title',), record_terms),
    ):
        last = 0
        while True:
            batch = bind.execute(
                sa.select(table.c.id, *(table.c[c] for c in columns))
                .where(table.c.id > last)
                .order_by(table.c.id)
                .limit(BATCH)
            ).all()
            if not batch:
                break
            rows = [
                {'kind': kind, 'term': term, 'record_id': record_id}
                for record_id, *values in batch
                for term in make(*values)
            ]
            if rows:
                bind.execute(terms.insert(), rows)
            last = batch[-1][0]


def downgrade():
    op.drop_index('ix_search_terms_record', table_name='search_terms')
    op.drop_table('search_terms')
