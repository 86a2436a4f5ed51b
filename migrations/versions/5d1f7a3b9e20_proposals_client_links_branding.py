"""proposals, client links and their opens, company branding

Revision ID: 5d1f7a3b9e20
Revises: 5d0c2e8f1a40
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '5d1f7a3b9e20'
down_revision = '5d0c2e8f1a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('company_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('brand_color', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('logo_mime', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('client_needs', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('implementation_plan', sa.Text(), nullable=True),
    sa.Column('timeline', sa.Text(), nullable=True),
    sa.Column('reference_clients', sa.Text(), nullable=True),
    sa.Column('team_manager', sa.String(length=100), nullable=True),
    sa.Column('team_sales', sa.String(length=100), nullable=True),
    sa.Column('team_market', sa.String(length=100), nullable=True),
    sa.Column('team_after_sales', sa.String(length=100), nullable=True),
    sa.Column('team_finance', sa.String(length=100), nullable=True),
    sa.Column('team_training', sa.String(length=100), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('total', webapp.common.types.Money(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_proposals_account_id_accounts')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_proposals_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index('ix_proposals_account_updated', ['account_id', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_owner_id'), ['owner_id'], unique=False)

    op.create_table('proposal_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=100), nullable=False),
    sa.Column('brand', sa.String(length=60), nullable=True),
    sa.Column('spec', sa.String(length=100), nullable=True),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('quantity', webapp.common.types.Money(), nullable=False),
    sa.Column('unit_price', webapp.common.types.Money(), nullable=False),
    sa.Column('amount', webapp.common.types.Money(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_lines_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_lines'))
    )
    with op.batch_alter_table('proposal_lines', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_lines_proposal_position', ['proposal_id', 'position'], unique=False)

    op.create_table('proposal_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('record_version', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_proposal_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['generated_documents.id'], name=op.f('fk_proposal_versions_document_id_generated_documents')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
    sa.UniqueConstraint('proposal_id', 'number', name='uq_proposal_versions_number')
    )
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_versions_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=43), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=True),
    sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', webapp.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_proposal_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_links_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_proposal_links_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['proposal_versions.id'], name=op.f('fk_proposal_links_version_id_proposal_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_links')),
    sa.UniqueConstraint('key', name=op.f('uq_proposal_links_key'))
    )
    with op.batch_alter_table('proposal_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_links_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_link_opens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['proposal_links.id'], name=op.f('fk_proposal_link_opens_link_id_proposal_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_link_opens'))
    )
    with op.batch_alter_table('proposal_link_opens', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_link_opens_link', ['link_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_link_opens', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_link_opens_link')
    op.drop_table('proposal_link_opens')
    with op.batch_alter_table('proposal_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_links_proposal_id'))
    op.drop_table('proposal_links')
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_versions_proposal_id'))
    op.drop_table('proposal_versions')
    with op.batch_alter_table('proposal_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_lines_proposal_position')
    op.drop_table('proposal_lines')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_owner_id'))
        batch_op.drop_index('ix_proposals_account_updated')
    op.drop_table('proposals')

    with op.batch_alter_table('company_profile', schema=None) as batch_op:
        batch_op.drop_column('logo')
        batch_op.drop_column('logo_mime')
        batch_op.drop_column('brand_color')
