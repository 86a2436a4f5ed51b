"""in-app notifications, e-mail action tokens

Revision ID: 4a8b3f2e6c10
Revises: 4a7e0c1d2b30
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '4a8b3f2e6c10'
down_revision = '4a7e0c1d2b30'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
