"""A request key per ticket, so that a save retried after a lost connection cannot save it twice.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("request_key", sa.String(64), nullable=True))
        batch.create_index("ix_tickets_request_key", ["request_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_request_key")
        batch.drop_column("request_key")
