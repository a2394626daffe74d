"""Who may do what: the roles of a billing office and the permissions each one holds.

The roles follow the separation of duties a compliance plan asks for (OIG compliance program guidance for
third-party billing companies): the coder assigns codes but does not submit claims; the biller builds,
submits and follows claims but does not change codes; the auditor reviews coding and reads the access
trail but changes nothing; the manager runs one practice's office and its users; the admin runs the
system (tenants, code sets) and may act for any tenant (see :mod:`medbill.security.tenants`).

Example::

    >>> can(Role.CODER, Permission.CODE_ENCOUNTERS)
    True
    >>> can(Role.CODER, Permission.SUBMIT_CLAIMS)
    False
"""

from __future__ import annotations

from enum import StrEnum

from medbill.security.errors import AccessDenied


class Role(StrEnum):
    """A user's job in the billing office (stored as its value)."""

    CODER = "coder"
    BILLER = "biller"
    AUDITOR = "auditor"
    MANAGER = "manager"
    ADMIN = "admin"


class Permission(StrEnum):
    """One kind of work, named as the office names it."""

    READ_PATIENTS = "read_patients"  # see demographics, coverage, visits
    EDIT_PATIENTS = "edit_patients"  # register patients, update coverage, check eligibility
    CODE_ENCOUNTERS = "code_encounters"  # assign ICD-10 / HCPCS / CPT codes, query the physician
    BUILD_CLAIMS = "build_claims"  # price charges, build and scrub claims
    SUBMIT_CLAIMS = "submit_claims"  # send 837s, read 999 / 277CA
    POST_REMITTANCES = "post_remittances"  # post 835s, resolve posting exceptions
    WORK_DENIALS = "work_denials"  # appeals, corrected claims
    BILL_PATIENTS = "bill_patients"  # statements, patient payments and refunds
    RUN_AUDITS = "run_audits"  # coding-accuracy audits
    VIEW_REPORTS = "view_reports"  # A/R aging, denial rate, clean-claim rate
    VIEW_ACCESS_TRAIL = "view_access_trail"  # who read or changed which record
    MANAGE_USERS = "manage_users"  # add users, reset passwords, issue tokens (own tenant)
    MANAGE_TENANTS = "manage_tenants"  # add practices, act for any of them
    LOAD_CODE_SETS = "load_code_sets"  # load official code sets and fee schedules


_P = Permission
_CODER = frozenset({_P.READ_PATIENTS, _P.CODE_ENCOUNTERS})
_BILLER = frozenset({_P.READ_PATIENTS, _P.EDIT_PATIENTS, _P.BUILD_CLAIMS, _P.SUBMIT_CLAIMS,
                     _P.POST_REMITTANCES, _P.WORK_DENIALS, _P.BILL_PATIENTS})
_AUDITOR = frozenset({_P.READ_PATIENTS, _P.RUN_AUDITS, _P.VIEW_REPORTS, _P.VIEW_ACCESS_TRAIL})

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CODER: _CODER,
    Role.BILLER: _BILLER,
    Role.AUDITOR: _AUDITOR,
    # The manager oversees the work of the practice (reports, trail, users) and can step in for a coder
    # or a biller, but does not audit the coding the office is accountable for.
    Role.MANAGER: _CODER | _BILLER | {_P.VIEW_REPORTS, _P.VIEW_ACCESS_TRAIL, _P.MANAGE_USERS},
    Role.ADMIN: frozenset(Permission),
}


def parse_role(value: str) -> Role:
    """The role named ``value`` (case-insensitive).

    Raises:
        AccessDenied: no such role; the message lists the roles.
    """
    try:
        return Role(value.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise AccessDenied(f"unknown role {value!r}; the roles are {known}") from None


def can(role: Role, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``."""
    return permission in PERMISSIONS[role]


def require(role: Role, permission: Permission, *, who: str = "this user") -> None:
    """Stop unless ``role`` holds ``permission``.

    Raises:
        AccessDenied: names the user, the role and the permission missing.
    """
    if not can(role, permission):
        raise AccessDenied(f"{who} ({role.value}) may not {permission.value.replace('_', ' ')}")
