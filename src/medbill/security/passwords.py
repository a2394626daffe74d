"""Password hashes (argon2id, through argon2-cffi) and the password policy.

The policy follows NIST SP 800-63B §5.1.1.2: a minimum length (12 here, above the guide's 8, as HIPAA
risk analyses of billing offices usually ask), no composition rules, no password equal to or containing
the login. Passwords are compared only through argon2's verify; the hash string carries its own salt and
parameters, so raising the cost later needs no migration: :func:`needs_rehash` says when to re-hash at
the next successful login.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from medbill.security.errors import PasswordPolicyError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing is deliberately slow; a megabyte "password" must not cost a megabyte of work


@cache
def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, 64 MiB, t=3).
    return PasswordHasher()


def check_policy(password: str, login: str) -> None:
    """Stop unless ``password`` may be set for the user ``login``.

    Raises:
        PasswordPolicyError: says which rule the password breaks (never repeats the password).
    """
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"password for {login!r} is {len(password)} characters long; "
                                  f"use at least {MIN_LENGTH} (a passphrase of several words is easiest)")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"password for {login!r} is longer than {MAX_LENGTH} characters")
    if password.strip() != password or not password.strip():
        raise PasswordPolicyError(f"password for {login!r} starts or ends with spaces; remove them")
    name = login.strip().casefold()
    # Containment only for logins of 4 or more characters: "al" inside a passphrase gives nothing away.
    if name and (password.casefold() == name or (len(name) >= 4 and name in password.casefold())):
        raise PasswordPolicyError(f"password for {login!r} contains the login name; choose another")


def hash_password(password: str, login: str) -> str:
    """The argon2id hash of ``password`` after checking it against the policy.

    Raises:
        PasswordPolicyError: the password breaks the policy.
    """
    check_policy(password, login)
    return _hasher().hash(password)


def rehash(password: str) -> str:
    """A fresh hash of a password that was just verified, with today's parameters. No policy check: a
    user whose old password predates a stricter policy must still be able to log in (the policy applies
    when the password is next changed)."""
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (False also for a hash that is not argon2's)."""
    try:
        return _hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether ``stored_hash`` was made with weaker parameters than today's and should be redone."""
    return _hasher().check_needs_rehash(stored_hash)


@cache
def dummy_hash() -> str:
    """A hash no password matches, verified when a login is unknown so that the failure takes as long as
    a wrong password does (an attacker must not learn which logins exist from the answer's timing)."""
    return _hasher().hash("medbill: no such user, and no password matches this")
