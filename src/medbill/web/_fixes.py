"""The fix a biller makes to a scrub finding before a claim goes out: a line's procedure code or modifiers.

Only a claim not yet sent (draft or ready) is changed in place; once sent, a change is a corrected claim
(the denial worklist makes those). The change and the access-trail entry commit together.

This belongs in :mod:`medbill.store.claims` (the store is the only package that writes); it sits here
until that package has a line-edit service, and has no rule beyond the two checks below.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, select, update

from medbill.claims.lifecycle import ClaimStatus
from medbill.errors import ClaimError
from medbill.security import AccessAction, Principal
from medbill.store import security as store_security
from medbill.store.models import claims as t

PROCEDURE = re.compile(r"^[A-Z0-9]{5}$")
MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
EDITABLE = (ClaimStatus.DRAFT, ClaimStatus.READY)


def parse_modifiers(value: str) -> tuple[str, ...]:
    """Modifiers as typed ("59 LT", "59,lt") in order, each two letters or digits, at most four (SV101-3..6)."""
    found = tuple(m for m in re.split(r"[\s,;-]+", value.strip().upper()) if m)
    bad = [m for m in found if not MODIFIER.match(m)]
    if bad or len(found) > 4:
        raise ClaimError(f"modifiers {value!r}: give at most four, each two letters or digits"
                         + (f" ({', '.join(bad)} is not)" if bad else ""))
    return found


def fix_line(engine: Engine, patient_control_number: str, line: int, *, code: str, modifiers: str,
             principal: Principal, route: str) -> None:
    """Set line ``line`` of an unsent claim to ``code`` with ``modifiers``.

    Raises:
        ClaimError: no such claim or line, a claim already sent, or a malformed code or modifier.
    """
    code = code.strip().upper()
    if not PROCEDURE.match(code):
        raise ClaimError(f"claim {patient_control_number} line {line}: {code!r} is not a five-character "
                         "CPT/HCPCS code")
    mods = parse_modifiers(modifiers)
    with engine.begin() as conn:
        row = conn.execute(select(t.claim.c.id, t.claim.c.status)
                           .where(t.claim.c.patient_control_number == patient_control_number)).first()
        if row is None:
            raise ClaimError(f"no claim {patient_control_number!r}")
        if ClaimStatus(row.status) not in EDITABLE:
            raise ClaimError(f"claim {patient_control_number} is {row.status}: a sent claim is changed by a "
                             "corrected claim (denial worklist), not in place")
        changed = conn.execute(update(t.claim_line).where(t.claim_line.c.claim_id == row.id)
                               .where(t.claim_line.c.number == line)
                               .values(code=code, modifiers=" ".join(mods))).rowcount
        if not changed:
            raise ClaimError(f"claim {patient_control_number} has no line {line}")
        store_security.record(conn, principal, AccessAction.UPDATE, "claim", patient_control_number, route,
                              f"scrub fix: line {line} set to {code}" + (f"-{'-'.join(mods)}" if mods else ""))
