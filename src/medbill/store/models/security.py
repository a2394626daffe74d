"""Security tables: tenants, users, API tokens, web sessions and the access trail (SQLAlchemy Core; see
``store/metadata.py`` for why).

Only :mod:`medbill.store.security` reads and writes them. No secret is stored in the clear: passwords are
argon2id hashes, API tokens and session ids SHA-256 digests (:mod:`medbill.security`).

``tenant``: a practice served (or the billing company itself). ``app_user``: one login, in one tenant,
with one role; users are deactivated, never deleted (the trail names them). ``api_token``: a token's
public prefix and digest, expiry and revocation. ``web_session``: a session's digest, its CSRF key and
its clock. ``access_event``: the access trail, append-only and hash-chained (seq from 1, assigned by the
store, not by the database); ``access_chain_head``: its one row (id 1), the count and the last hash,
updated with each append so that a deleted tail shows.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table

from medbill.store.metadata import metadata

HASH = String(64)  # SHA-256 hex

tenant = Table(
    "tenant", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

app_user = Table(
    "app_user", metadata,
    Column("id", Integer, primary_key=True),
    Column("tenant_id", Integer, ForeignKey("tenant.id"), nullable=False, index=True),
    Column("login", String(60), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(10), nullable=False),  # medbill.security.Role
    Column("password_hash", String(200), nullable=False),  # argon2id, with its salt and parameters
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_token = Table(
    "api_token", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False, index=True),
    Column("prefix", String(8), nullable=False, unique=True),  # public, finds the row
    Column("digest", HASH, nullable=False),
    Column("label", String(60), nullable=False),  # what the token is for ("clearinghouse sync")
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
)

web_session = Table(
    "web_session", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False, index=True),
    Column("digest", HASH, nullable=False, unique=True),
    Column("csrf_key", HASH, nullable=False),  # 32 random bytes, hex
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
)

access_event = Table(
    "access_event", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
    Column("tenant_id", Integer, ForeignKey("tenant.id"), nullable=False),
    Column("action", String(6), nullable=False),  # medbill.security.AccessAction
    Column("record_type", String(30), nullable=False),
    Column("record_id", String(50), nullable=False),
    Column("route", String(200), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("prev_hash", HASH, nullable=False),
    Column("hash", HASH, nullable=False),
    Index("ix_access_event_tenant_id_record_type_record_id", "tenant_id", "record_type", "record_id"),
    Index("ix_access_event_user_id_at", "user_id", "at"),
)

access_chain_head = Table(
    "access_chain_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("entry_count", Integer, nullable=False),
    Column("hash", HASH, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
