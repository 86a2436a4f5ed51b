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
    pass


def downgrade():
    pass
