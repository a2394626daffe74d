"""``medbill eligibility …``: ask a payer whether a patient is covered (270) and keep its answer (271).

Thin: the coverages come from :mod:`medbill.store.claims.eligibility`, the X12 from
:mod:`medbill.edi.v5010.x279a1_270_271`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from medbill.cli.render import emit_json, handled, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(no_args_is_help=True, help="Eligibility: write a 270 inquiry, read the 271 answer onto the "
                                            "coverage.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


@app.command("request")
def request(who: Annotated[str, typer.Argument(help="Patient account (all their coverages) or coverage id.")],
            out: Annotated[Path | None, typer.Option("--out", help="The 270 to write (default: print it).")] = None,
            sender: Annotated[str, typer.Option(help="Our id at the clearinghouse (ISA06/GS02).")] = "MEDBILL",
            receiver: Annotated[str | None, typer.Option(help="Receiver id (default: the payer id).")] = None,
            control: Annotated[int, typer.Option(help="Interchange/group control number.")] = 1,
            as_json: JsonFlag = False) -> None:
    """Write the 270 eligibility inquiry for a patient's coverages (or one coverage)."""
    from medbill.store.claims import coverages_to_check
    from medbill.store.claims.eligibility import write_inquiry

    with handled(as_json):
        checks = coverages_to_check(_engine(), who)
        data = write_inquiry(checks, sender_id=sender, receiver_id=receiver, control=control)
        if out is not None:
            out.write_bytes(data)
        if as_json:
            emit_json({"coverages": [c.coverage.id for c in checks], "out": str(out) if out else None,
                       "x12": None if out else data.decode()})
            return
        if out is None:
            say(data.decode())
        else:
            say(f"wrote the 270 for {len(checks)} coverage(s) of patient {checks[0].account} to {out}")


@app.command("read")
def read(file: Annotated[Path, typer.Argument(help="The 271 eligibility answer.")], as_json: JsonFlag = False) -> None:
    """Read a 271 and keep each answer (active, copay, deductible remaining, coinsurance) on the coverage."""
    from medbill.store.claims import record_eligibility
    from medbill.store.claims.eligibility import read_answers

    with handled(as_json):
        answers = read_answers(file)
        stored = record_eligibility(_engine(), answers, source_file=file.name)
        if as_json:
            emit_json({"answers": answers, "stored": stored})
            return
        for answer, where in zip(answers, stored, strict=True):
            state = {True: "active", False: "NOT active", None: "no answer on coverage"}[answer.active]
            money = "; ".join(f"{label} {value}" for label, value in (
                ("copay", answer.copay), ("deductible remaining", answer.deductible_remaining),
                ("coinsurance", answer.coinsurance)) if value is not None)
            kept = (f"kept on coverage {', '.join(map(str, where.coverage_ids))}" if where.coverage_ids
                    else "no stored coverage has this member id")
            if answer.member_id:
                say(f"member {answer.member_id}: {state}" + (f" ({money})" if money else "") + f"; {kept}")
            else:
                say("no answer about any member")
            for problem in answer.problems:
                say(f"  the payer could not answer: {problem}")
        if not answers:
            say(f"{file.name} holds no eligibility answer")
