"""The security errors, one branch of medbill's exception tree::

    MedbillError
    └── SecurityError               a security request that cannot be granted as given
        ├── PasswordPolicyError     a new password that breaks the policy (says which rule)
        ├── AuthenticationFailed    a login, API token or session not accepted (never says which part was
        │                           wrong: an attacker must not learn that a login or token prefix exists)
        ├── AccessDenied            a role without the permission, or a tenant outside the user's reach
        └── CsrfError               a form posted without the CSRF token of its own session
"""

from __future__ import annotations

from medbill.errors import MedbillError


class SecurityError(MedbillError):
    """A security request that cannot be granted as given (names what and why, never a secret)."""


class PasswordPolicyError(SecurityError):
    """A new password that breaks the password policy."""


class AuthenticationFailed(SecurityError):
    """Credentials not accepted. The message is the same for every cause, on purpose."""


class AccessDenied(SecurityError):
    """The principal's role lacks the permission, or the tenant is not the principal's."""


class CsrfError(SecurityError):
    """A state-changing web request whose CSRF token is missing or belongs to another session."""
