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
    pass


def downgrade():
    pass
