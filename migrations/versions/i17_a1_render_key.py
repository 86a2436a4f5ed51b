"""generated documents: render_key (language and catalogue, fonts, branding, template)

A stored document is reused only when everything that changes its bytes is the same: the
record's version (source_version) and the render key. Rows stored before have an empty key,
so they are never served again; the next request renders them anew.

Revision ID: i17_a1_render_key
Revises: 7f1e2d3c4b50
Create Date: 2026-12-03 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i17_a1_render_key'
down_revision = '7f1e2d3c4b50'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('render_key', sa.String(length=64), server_default='', nullable=False)
        )
        batch_op.drop_index('ix_generated_documents_source')
        batch_op.create_index(
            'ix_generated_documents_source',
            ['kind', 'source_id', 'fmt', 'source_version', 'render_key'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_generated_documents_source')
        batch_op.create_index(
            'ix_generated_documents_source',
            ['kind', 'source_id', 'fmt', 'source_version', 'template_version'],
            unique=False,
        )
        batch_op.drop_column('render_key')
