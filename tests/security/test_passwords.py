"""argon2id hashes and the password policy."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from medbill.security import PasswordPolicyError
from medbill.security.passwords import check_policy, hash_password, needs_rehash, verify_password


def test_hash_and_verify() -> None:
    first = hash_password("correct horse battery", "cora")
    assert first.startswith("$argon2id$") and "correct" not in first
    assert first != hash_password("correct horse battery", "cora")  # salted
    assert verify_password(first, "correct horse battery")
    assert not verify_password(first, "correct horse batterY")
    assert not verify_password("not a hash", "correct horse battery")


@pytest.mark.parametrize(("password", "problem"), [
    ("elevenchars", "is 11 characters long; use at least 12"),
    ("my name is CORA!!", "contains the login name"),
    (" twelve chars and more", "starts or ends with spaces"),
    ("x" * 1025, "longer than 1024"),
])
def test_policy_refuses(password: str, problem: str) -> None:
    with pytest.raises(PasswordPolicyError, match=problem) as caught:
        hash_password(password, "cora")
    assert password not in str(caught.value)


def test_policy_accepts_twelve_characters() -> None:
    check_policy("twelve chars", "cora")


def test_weaker_hash_needs_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("correct horse battery")
    assert verify_password(weak, "correct horse battery")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("correct horse battery", "cora"))
