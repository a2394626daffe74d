"""Who may do what: the whole role × permission matrix, written out here independently of the code."""

from __future__ import annotations

import pytest

from medbill.security import (
    AccessDenied,
    Permission,
    Principal,
    Role,
    Tenant,
    act_for,
    can,
    parse_role,
    require,
)

P = Permission
EXPECTED: dict[Role, set[Permission]] = {
    Role.CODER: {P.READ_PATIENTS, P.CODE_ENCOUNTERS},
    Role.BILLER: {P.READ_PATIENTS, P.EDIT_PATIENTS, P.BUILD_CLAIMS, P.SUBMIT_CLAIMS, P.POST_REMITTANCES,
                  P.WORK_DENIALS, P.BILL_PATIENTS},
    Role.AUDITOR: {P.READ_PATIENTS, P.RUN_AUDITS, P.VIEW_REPORTS, P.VIEW_ACCESS_TRAIL},
    Role.MANAGER: {P.READ_PATIENTS, P.EDIT_PATIENTS, P.CODE_ENCOUNTERS, P.BUILD_CLAIMS, P.SUBMIT_CLAIMS,
                   P.POST_REMITTANCES, P.WORK_DENIALS, P.BILL_PATIENTS, P.VIEW_REPORTS, P.VIEW_ACCESS_TRAIL,
                   P.MANAGE_USERS},
    Role.ADMIN: set(Permission),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_matrix(role: Role, permission: Permission) -> None:
    assert can(role, permission) is (permission in EXPECTED[role])


def test_separation_of_duties() -> None:
    assert not can(Role.CODER, P.SUBMIT_CLAIMS) and not can(Role.BILLER, P.CODE_ENCOUNTERS)
    assert not any(can(Role.AUDITOR, p) for p in (P.CODE_ENCOUNTERS, P.BUILD_CLAIMS, P.EDIT_PATIENTS))
    assert not can(Role.MANAGER, P.MANAGE_TENANTS) and not can(Role.MANAGER, P.RUN_AUDITS)


def test_require_names_the_user_role_and_permission() -> None:
    require(Role.BILLER, P.SUBMIT_CLAIMS, who="bill")
    with pytest.raises(AccessDenied, match=r"cora \(coder\) may not submit claims"):
        require(Role.CODER, P.SUBMIT_CLAIMS, who="cora")


def test_parse_role() -> None:
    assert parse_role(" Biller ") is Role.BILLER
    with pytest.raises(AccessDenied, match="unknown role 'clerk'; the roles are coder, biller, auditor"):
        parse_role("clerk")


def _principal(role: Role, home: int = 1) -> Principal:
    return Principal(user_id=7, login="pat", role=role, tenant_id=home, home_tenant_id=home)


def test_admin_acts_for_another_tenant_one_at_a_time() -> None:
    acting = act_for(_principal(Role.ADMIN), Tenant(id=2, name="Hilltop Cardiology", active=True))
    assert (acting.tenant_id, acting.home_tenant_id, acting.acting_for_other) == (2, 1, True)
    assert not _principal(Role.ADMIN).acting_for_other


def test_others_stay_in_their_tenant() -> None:
    own = Tenant(id=1, name="Riverside Family Practice", active=True)
    assert act_for(_principal(Role.MANAGER), own).tenant_id == 1
    with pytest.raises(AccessDenied, match="only an admin may act for another tenant"):
        act_for(_principal(Role.MANAGER), Tenant(id=2, name="Hilltop Cardiology", active=True))
    with pytest.raises(AccessDenied, match="inactive"):
        act_for(_principal(Role.ADMIN), Tenant(id=3, name="Closed Clinic", active=False))
