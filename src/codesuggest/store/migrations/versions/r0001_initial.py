"""API keys, suggestion runs, feedback and the append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
STAMP = sa.DateTime(timezone=True)
APPEND_ONLY = "audit_events is append-only"


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("rate_limit", sa.String(50), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("revoked_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("name", name="uq_api_keys_name"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        sa.CheckConstraint(
            "role IN ('coder', 'auditor', 'trainer', 'admin')", name="ck_api_keys_role"
        ),
    )
    op.create_table(
        "suggestion_runs",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("note_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_sha256", sa.String(64), nullable=True),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("suggestions", JSON, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suggestion_runs"),
    )
    op.create_index("ix_suggestion_runs_note_id", "suggestion_runs", ["note_id"])
    op.create_table(
        "feedback",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("note_id", sa.String(200), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("system", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor_key_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("model_name", sa.String(200), nullable=True),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("run_id", BIG_ID, nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.ForeignKeyConstraint(
            ["actor_key_id"], ["api_keys.id"], name="fk_feedback_actor_key_id_api_keys"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["suggestion_runs.id"], name="fk_feedback_run_id_suggestion_runs"
        ),
        sa.UniqueConstraint("actor_key_id", "idempotency_key", name="uq_feedback_actor_key_id"),
        sa.CheckConstraint(
            "decision IN ('accepted', 'rejected', 'added')", name="ck_feedback_decision"
        ),
    )
    op.create_index("ix_feedback_note_id", "feedback", ["note_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("note_id", sa.String(200), nullable=True),
        sa.Column("code", sa.String(20), nullable=True),
        sa.Column("system", sa.String(20), nullable=True),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("model_name", sa.String(200), nullable=True),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_note_id", "audit_events", ["note_id"])
    _append_only_audit()


def _append_only_audit() -> None:
    """Triggers that make UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit events fail."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END;\n$$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute("DROP TRIGGER audit_events_no_update")
    op.drop_table("audit_events")
    op.drop_table("feedback")
    op.drop_table("suggestion_runs")
    op.drop_table("api_keys")
