"""support tasks; contract approval link

Revision ID: 4a7e0c1d2b30
Revises: 637b99dc265b
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '4a7e0c1d2b30'
down_revision = '637b99dc265b'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
