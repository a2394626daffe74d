"""Security: users and roles, tenants, passwords, API tokens, web sessions and the access trail.

Pure rules live here; :mod:`medbill.store.security` stores users, tokens, sessions and the trail.
"""

from medbill.security.errors import (
    AccessDenied,
    AuthenticationFailed,
    CsrfError,
    PasswordPolicyError,
    SecurityError,
)
from medbill.security.roles import Permission, Role, can, parse_role, require
from medbill.security.tenants import Principal, Tenant, act_for
from medbill.security.trail import (
    AccessAction,
    AccessEntry,
    AccessFacts,
    ChainHead,
    TrailProblem,
    VerifyResult,
)

__all__ = [
    "AccessAction",
    "AccessDenied",
    "AccessEntry",
    "AccessFacts",
    "AuthenticationFailed",
    "ChainHead",
    "CsrfError",
    "PasswordPolicyError",
    "Permission",
    "Principal",
    "Role",
    "SecurityError",
    "Tenant",
    "TrailProblem",
    "VerifyResult",
    "act_for",
    "can",
    "parse_role",
    "require",
]
