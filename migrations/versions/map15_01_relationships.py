"""relationships: influence lines, relationship owners, competitors per account, whitespace
estimates (issue 15, part A)

Revision ID: map15_01_relationships
Revises: i14_03_board_index
Create Date: 2026-12-03 20:30:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.common.types

# revision identifiers, used by Alembic.
revision = 'map15_01_relationships'
down_revision = 'i14_03_board_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'influence_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('from_contact_id', sa.Integer(), nullable=False),
        sa.Column('to_contact_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', webapp.common.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint('from_contact_id <> to_contact_id', name='ck_influence_not_self'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['from_contact_id'], ['contacts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['to_contact_id'], ['contacts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('from_contact_id', 'to_contact_id', name='uq_influence_pair'),
    )
    with op.batch_alter_table('influence_lines', schema=None) as batch_op:
        batch_op.create_index('ix_influence_lines_account_id', ['account_id'], unique=False)
        batch_op.create_index('ix_influence_lines_from_contact_id', ['from_contact_id'], unique=False)
        batch_op.create_index('ix_influence_lines_to_contact_id', ['to_contact_id'], unique=False)

    op.create_table(
        'relationship_owners',
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('contact_id'),
    )
    with op.batch_alter_table('relationship_owners', schema=None) as batch_op:
        batch_op.create_index('ix_relationship_owners_account_id', ['account_id'], unique=False)
        batch_op.create_index('ix_relationship_owners_user_id', ['user_id'], unique=False)

    op.create_table(
        'competitors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('created_at', webapp.common.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )

    op.create_table(
        'account_competitors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('competitor_id', sa.Integer(), nullable=False),
        sa.Column('products', sa.String(length=200), nullable=True),
        sa.Column('price', webapp.common.types.Money(), nullable=True),
        sa.Column('share', sa.Integer(), nullable=True),
        sa.Column('strengths', sa.String(length=500), nullable=True),
        sa.Column('weaknesses', sa.String(length=500), nullable=True),
        sa.Column('updated_at', webapp.common.types.UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('share IS NULL OR (share >= 0 AND share <= 100)', name='ck_share'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['competitor_id'], ['competitors.id']),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'competitor_id', name='uq_account_competitor'),
    )
    with op.batch_alter_table('account_competitors', schema=None) as batch_op:
        batch_op.create_index('ix_account_competitors_account_id', ['account_id'], unique=False)
        batch_op.create_index('ix_account_competitors_competitor_id', ['competitor_id'], unique=False)

    op.create_table(
        'whitespace_estimates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('product', sa.String(length=80), nullable=False),
        sa.Column('unit', sa.String(length=80), nullable=False),
        sa.Column('potential', webapp.common.types.Money(), nullable=False),
        sa.Column('updated_at', webapp.common.types.UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'product', 'unit', name='uq_whitespace_cell'),
    )
    with op.batch_alter_table('whitespace_estimates', schema=None) as batch_op:
        batch_op.create_index('ix_whitespace_estimates_account_id', ['account_id'], unique=False)


def downgrade():
    op.drop_table('whitespace_estimates')
    op.drop_table('account_competitors')
    op.drop_table('competitors')
    op.drop_table('relationship_owners')
    op.drop_table('influence_lines')
