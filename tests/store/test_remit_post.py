"""Posting an 835 to the stored claims, on SQLite and PostgreSQL: claims built and submitted from the example
encounters, answered by the sandbox payer, posted once; a damaged or foreign 835 leaves nothing half-written."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from medbill.claims import Address, Payer
from medbill.claims.lifecycle import ClaimStatus
from medbill.errors import X12Error
from medbill.sandbox import FeeSchedule, PayerRules, Plan, SandboxPayer
from medbill.sandbox.payer import PayerAnswer
from medbill.store.claims import (
    build_claim,
    import_encounters,
    load_claim,
    read_acknowledgement,
    read_encounter_file,
    record_acknowledgement,
)
from medbill.store.models import remit as r
from medbill.store.remit import list_exceptions, post_835
from tests.store.test_claims_repo import EXAMPLE, count, load_fee_schedules, submit

D = Decimal
PAID_ON = datetime(2025, 6, 20, 8, 0)
SANDBOX = Payer("Sandbox Health", "SBX01", Address("1 Payer Way", "Springfield", "IL", "627010000"))
TABLES = (r.remittance_file, r.remittance, r.claim_posting, r.line_posting, r.posting_adjustment,
          r.posting_exception)


@pytest.fixture
def imported(store: Engine) -> Engine:
    load_fee_schedules(store)
    import_encounters(store, read_encounter_file(EXAMPLE))
    return store


def adjudicate(engine: Engine, folder: Path, **rules: Any) -> PayerAnswer:
    """Build and submit the professional claims E1001 (MB00000001) and E1002 (MB00000002); the sandbox
    payer answers them ($20 deductible, 99213 allowed at $90)."""
    for encounter in ("E1001", "E1002"):
        build_claim(engine, encounter, by="tester")
    sent = submit(engine, folder)
    payer = SandboxPayer(FeeSchedule({"99213": D("90.00")}), PayerRules(Plan("standard", deductible=D("20.00")),
                                                                         **rules), payer=SANDBOX, tax_id="987654321")
    return payer.receive(sent.file.read_bytes(), at=PAID_ON)


def era(folder: Path, answer: PayerAnswer, name: str = "payment.835", edit: Any = None) -> Path:
    text = answer.remittance_835.decode()  # type: ignore[union-attr]
    path = folder / name
    path.write_text(edit(text) if edit else text)
    return path


def sizes(engine: Engine) -> list[int]:
    return [count(engine, table) for table in TABLES]


def test_a_payment_moves_the_claims_stores_the_postings_and_posts_once(imported: Engine, tmp_path: Path) -> None:
    path = era(tmp_path, adjudicate(imported, tmp_path))
    result = post_835(imported, path, "poster")
    assert result.recorded and result.payments == 1 and result.claims_posted == 2
    assert result.paid == D("202.09") and result.exceptions == ()
    assert result.moved == ("MB00000001: paid", "MB00000002: paid")
    stored = load_claim(imported, "MB00000002")
    assert stored.status is ClaimStatus.PAID and stored.payer_claim_number == "SBX0000000002"
    assert [(m.transition.to_status, m.source_file) for m in stored.moves[-2:]] == [
        (ClaimStatus.ADJUDICATED, "payment.835"), (ClaimStatus.PAID, "payment.835")]
    assert "paid 103.60 of 169.50" in stored.moves[-1].transition.reason
    with imported.connect() as conn:
        line = conn.execute(select(r.line_posting).where(r.line_posting.c.code == "99213")).one()
        adjustments = conn.execute(select(r.posting_adjustment.c.group_code, r.posting_adjustment.c.reason,
                                          r.posting_adjustment.c.amount_cents)
                                   .where(r.posting_adjustment.c.line_posting_id == line.id)
                                   .order_by(r.posting_adjustment.c.id)).all()
        payment = conn.execute(select(r.remittance)).one()
    assert (line.charge_cents, line.paid_cents, line.allowed_cents, line.patient_responsibility_cents) == (
        11000, 5600, 9000, 3400)
    assert line.billed_lines == "1" and line.match == "exact"
    assert [tuple(a) for a in adjustments] == [("CO", "45", 2000), ("PR", "1", 2000), ("PR", "2", 1400)]
    assert (payment.payment_cents, payment.trace_number, payment.payer_name) == (20209, "0000000030001",
                                                                                   "Sandbox Health")
    before = sizes(imported)
    again = post_835(imported, path, "poster")
    assert not again.recorded and "already posted" in again.message and "nothing changed" in again.message
    assert sizes(imported) == before == [1, 1, 2, 6, 9, 0]
    assert len(load_claim(imported, "MB00000002").moves) == len(stored.moves)


@pytest.mark.parametrize(("rules", "status"), [
    ({"ineligible_members": frozenset({"XQZ000111"})}, ClaimStatus.DENIED),
    ({"bundles": frozenset({("99213", "87880")})}, ClaimStatus.PARTIALLY_PAID),
])
def test_denials_and_denied_lines(imported: Engine, tmp_path: Path, rules: dict[str, Any],
                                  status: ClaimStatus) -> None:
    result = post_835(imported, era(tmp_path, adjudicate(imported, tmp_path, **rules)), "poster")
    assert result.recorded and "MB00000001: paid" in result.moved
    assert load_claim(imported, "MB00000002").status is status


def test_a_second_payment_without_a_reversal_is_queued_not_posted_to_the_status(imported: Engine,
                                                                               tmp_path: Path) -> None:
    answer = adjudicate(imported, tmp_path)
    post_835(imported, era(tmp_path, answer), "poster")
    again = post_835(imported, era(tmp_path, answer, "again.835", lambda s: s.replace("0000000030001",
                                                                                     "0000000030002")), "poster")
    assert again.recorded and again.moved == () and len(again.exceptions) == 2
    queue = list_exceptions(imported)
    assert [(e.kind, e.claim, e.file_name) for e in queue] == [("claim status", "MB00000001", "again.835"),
                                                               ("claim status", "MB00000002", "again.835")]
    assert "already paid" in queue[0].message and queue[0].amount == D("98.49")
    assert load_claim(imported, "MB00000001").status is ClaimStatus.PAID


def test_a_claim_the_store_does_not_have_goes_to_the_exceptions(imported: Engine, tmp_path: Path) -> None:
    path = era(tmp_path, adjudicate(imported, tmp_path), edit=lambda s: s.replace("CLP*MB00000002", "CLP*ZZ404"))
    result = post_835(imported, path, "poster")
    assert result.moved == ("MB00000001: paid",) and result.claims_posted == 1
    queue = list_exceptions(imported)
    assert [(e.kind, e.claim) for e in queue] == [("unmatched claim", None)]
    assert queue[0].place.startswith("claim ZZ404") and queue[0].amount == D("103.60")
    assert load_claim(imported, "MB00000002").status is ClaimStatus.SUBMITTED
    with imported.connect() as conn:
        assert conn.execute(select(r.claim_posting.c.claim_id).where(
            r.claim_posting.c.patient_control_number == "ZZ404")).scalar_one() is None


def test_the_payer_claim_number_from_the_277ca_finds_a_claim_whose_number_changed(imported: Engine,
                                                                                  tmp_path: Path) -> None:
    answer = adjudicate(imported, tmp_path)
    ack = tmp_path / "answer.277"
    ack.write_bytes(answer.ack_277ca)  # type: ignore[arg-type]
    kind, acknowledgements = read_acknowledgement(ack)
    record_acknowledgement(imported, file_name=ack.name, sha256="0" * 64, kind=kind,
                           acknowledgements=acknowledgements, by="tester")
    path = era(tmp_path, answer, edit=lambda s: s.replace("CLP*MB00000002", "CLP*MB2"))
    result = post_835(imported, path, "poster")
    assert result.moved == ("MB00000001: paid", "MB00000002: paid") and result.exceptions == ()


@pytest.mark.parametrize("damage", [
    lambda s: s[: s.index("CLP*MB00000002")],  # truncated mid-file: no SE, GE, IEA
    lambda s: s.replace("SE*51*", "SE*50*"),  # the segment count does not agree
])
def test_a_damaged_835_posts_nothing(imported: Engine, tmp_path: Path, damage: Any) -> None:
    path = era(tmp_path, adjudicate(imported, tmp_path), edit=damage)
    with pytest.raises(X12Error) as caught:
        post_835(imported, path, "poster")
    assert "nothing was posted" in str(caught.value) and "payment.835" in str(caught.value)
    assert sizes(imported) == [0] * len(TABLES)
    assert load_claim(imported, "MB00000001").status is ClaimStatus.SUBMITTED


def test_a_store_failure_midway_rolls_back_the_whole_file(imported: Engine, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from medbill.store.remit.posting import _Poster

    path = era(tmp_path, adjudicate(imported, tmp_path))
    original = _Poster._write_moves

    def failing(self: _Poster) -> None:  # the moves are written, then the disk fills up
        original(self)
        raise RuntimeError("disk full")

    monkeypatch.setattr(_Poster, "_write_moves", failing)
    with pytest.raises(RuntimeError):
        post_835(imported, path, "poster")
    assert sizes(imported) == [0] * len(TABLES)
    assert load_claim(imported, "MB00000001").status is ClaimStatus.SUBMITTED


def test_no_such_file(store: Engine, tmp_path: Path) -> None:
    with pytest.raises(X12Error, match="no such file"):
        post_835(store, tmp_path / "missing.835", "poster")
