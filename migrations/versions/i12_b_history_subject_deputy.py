"""audit entries name their record and the person a deputy acted for; history pages by account

Revision ID: i12_b_history_subject_deputy
Revises: i12_a_submission_keys
Create Date: 2026-12-03 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i12_b_history_subject_deputy'
down_revision = 'i12_a_submission_keys'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('on_behalf_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_on_behalf_of_id_users'), 'users', ['on_behalf_of_id'], ['id'])
        batch_op.drop_index(batch_op.f('ix_audit_entries_account_id'))
        batch_op.create_index('ix_audit_account_id_id', ['account_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_account_id_id')
        batch_op.create_index(batch_op.f('ix_audit_entries_account_id'), ['account_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_on_behalf_of_id_users'), type_='foreignkey')
        batch_op.drop_column('on_behalf_of_id')
        batch_op.drop_column('subject')
