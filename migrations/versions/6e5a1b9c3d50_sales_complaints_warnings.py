"""sales plans, purchases, payments, imports, complaints, warnings

Revision ID: 6e5a1b9c3d50
Revises: 5d1f7a3b9e20
Create Date: 2026-11-23 18:15:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.common.types


# revision identifiers, used by Alembic.
revision = '6e5a1b9c3d50'
down_revision = '5d1f7a3b9e20'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
