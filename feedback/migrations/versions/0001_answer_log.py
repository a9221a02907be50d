"""The answer log: every knowledge reply, its rating and its review state.

Revision ID: f0001
"""

import sqlalchemy as sa
from alembic import op

revision = "f0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("answer_id", sa.String(32), nullable=False, unique=True),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("probability", sa.Float),
        sa.Column("citations", sa.Text, nullable=False),
        sa.Column("rating", sa.String(10)),
        sa.Column("reason", sa.String(20)),
        sa.Column("comment", sa.Text),
        sa.Column("rated_at", sa.DateTime(timezone=True)),
        sa.Column("review", sa.String(10), nullable=False),
        sa.Column("reviewed_by", sa.String(100)),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_answer_log_conversation_id", "answer_log", ["conversation_id"])
    op.create_index("ix_answer_log_created_at", "answer_log", ["created_at"])


def downgrade() -> None:
    op.drop_table("answer_log")
