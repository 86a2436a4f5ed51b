"""generated documents (immutable, versioned)

Revision ID: 5d0c2e8f1a40
Revises: 4a8b3f2e6c10
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '5d0c2e8f1a40'
down_revision = '4a8b3f2e6c10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'generated_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('source_version', sa.String(length=40), nullable=False),
        sa.Column('template_version', sa.String(length=40), nullable=False),
        sa.Column('fmt', sa.String(length=8), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_generated_documents_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_generated_documents')),
        sa.UniqueConstraint('kind', 'source_id', 'fmt', 'version', name='uq_generated_documents_version'),
    )
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.create_index(
            'ix_generated_documents_source',
            ['kind', 'source_id', 'fmt', 'source_version', 'template_version'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_generated_documents_source')
    op.drop_table('generated_documents')
