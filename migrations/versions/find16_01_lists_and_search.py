"""lists and search: export jobs, saved views, and the pinyin search keys of accounts and
contacts (backfilled here; the models keep them current on every insert and update)

Revision ID: find16_01_lists_and_search
Revises: ops18_01_stored_files
Create Date: 2026-12-03 20:10:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.common.types
from webapp.common.pinyin import pinyin_key

# revision identifiers, used by Alembic.
revision = 'find16_01_lists_and_search'
down_revision = 'ops18_01_stored_files'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('list_key', sa.String(length=40), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('fmt', sa.String(length=4), nullable=False),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='exportstate', native_enum=False, length=32), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_user_id'), ['user_id'], unique=False)

    op.create_table(
        'saved_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('list_key', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'name', name='uq_saved_views_user_name'),
    )
    with op.batch_alter_table('saved_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_views_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_accounts_search_key'), ['search_key'], unique=False)
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_contacts_search_key'), ['search_key'], unique=False)

    bind = op.get_bind()
    accounts = sa.table('accounts', sa.column('id'), sa.column('name'), sa.column('short_name'), sa.column('search_key'))
    for row in bind.execute(sa.select(accounts.c.id, accounts.c.name, accounts.c.short_name)).all():
        bind.execute(accounts.update().where(accounts.c.id == row.id).values(search_key=pinyin_key(row.name, row.short_name)))
    contacts = sa.table('contacts', sa.column('id'), sa.column('name'), sa.column('search_key'))
    for row in bind.execute(sa.select(contacts.c.id, contacts.c.name)).all():
        bind.execute(contacts.update().where(contacts.c.id == row.id).values(search_key=pinyin_key(row.name)[:200]))


def downgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_search_key'))
        batch_op.drop_column('search_key')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_search_key'))
        batch_op.drop_column('search_key')
    with op.batch_alter_table('saved_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_views_user_id'))
    op.drop_table('saved_views')
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_jobs_user_id'))
    op.drop_table('export_jobs')
