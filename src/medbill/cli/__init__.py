"""``medbill``: the command line. Thin: parses arguments, calls the services, renders the answer.

Exit codes (STYLE.md §8): 0 clean, 1 a finding or a failed check (unknown code, invalid file),
2 usage or unreadable input.
"""

from __future__ import annotations

import typer

from medbill.cli import (
    audits,
    claims,
    code,
    codes,
    data,
    db,
    demo,
    denials,
    edi,
    eligibility,
    encounters,
    patients,
    remit,
    reports,
    scrub,
    serve,
    users,
)

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="medbill: medical billing and coding, end to end.")
app.add_typer(audits.audits_app, name="audits")
app.add_typer(audits.charts_app, name="charts")
app.add_typer(claims.app, name="claims")
app.add_typer(codes.app, name="codes")
app.add_typer(data.app, name="data")
app.add_typer(db.app, name="db")
app.add_typer(denials.app, name="denials")
app.add_typer(edi.app, name="edi")
app.add_typer(eligibility.app, name="eligibility")
app.add_typer(encounters.app, name="encounters")
app.add_typer(patients.app, name="patients")
app.add_typer(remit.app, name="remit")
app.add_typer(reports.app, name="reports")
app.add_typer(users.app, name="users")
app.add_typer(users.tenants_app, name="tenants")
app.add_typer(users.trail_app, name="audit-trail")
app.command("demo")(demo.demo)
app.command("code")(code.code)
app.add_typer(code.eval_app, name="eval")
app.command("scrub")(scrub.scrub)
app.command("serve")(serve.serve)


def main() -> None:
    app()
