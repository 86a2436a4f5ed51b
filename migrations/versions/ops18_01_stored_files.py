"""stored files: document and attachment bytes in the database (DOCUMENT_STORAGE=database)

Revision ID: ops18_01_stored_files
Revises: q18_01_jobs_outbox
Create Date: 2026-12-03 20:05:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = 'ops18_01_stored_files'
down_revision = 'q18_01_jobs_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', webapp.common.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_files')),
    )


def downgrade():
    op.drop_table('stored_files')
