"""``medbill demo``, section 9: a coding audit, with the coding assistant as the coder under review.

Eight outpatient notes of the project's evaluation set are coded by the assistant and saved as the
"demo.coder" user's charts (every suggestion accepted, the E/M level included). An audit draws them at
random (seed 2026), and "demo.auditor" recodes each one blind with the set's answers, which certified-coder
rules decided. The report prices each difference with the bundled 2025 MPFS (MAC 10112, locality 00).

A second run finds the audit and prints its report again (an audited chart is never re-coded).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from sqlalchemy import Engine

from medbill.cli.render import console, say

AUDIT = "Demo: the assistant as coder"
CODER, AUDITOR = "demo.coder", "demo.auditor"
NOTES = 8


def _users(engine: Engine) -> tuple[int, int]:
    from medbill.errors import MedbillError
    from medbill.security.roles import Permission
    from medbill.store.coded_charts import user_id
    from medbill.store.security import add_user, tenants
    from medbill.store.tenancy import tenant_in_force

    practice = next(t.name for t in tenants(engine) if t.id == tenant_in_force())
    for login, role in ((CODER, "coder"), (AUDITOR, "auditor")):
        try:
            user_id(engine, login)
        except MedbillError:  # made here with a password nobody knows: a demo user never logs in
            add_user(engine, login, password=secrets.token_urlsafe(24), role=role, tenant=practice)
    return user_id(engine, CODER, Permission.CODE_ENCOUNTERS), user_id(engine, AUDITOR, Permission.RUN_AUDITS)


def audit_tour(engine: Engine) -> None:
    """Run section 9 and print the audit report."""
    from medbill.cli.audits import report_lines
    from medbill.coding.evaluation import load_cases
    from medbill.coding.model import Setting
    from medbill.coding.suggest import Coder
    from medbill.oversight.coding_audit import AuditError, ChartCode, kind_of
    from medbill.store.coded_charts import CodedLine, save_chart
    from medbill.store.coding_audits import Pricing, audit_report, draw_audit, recode

    try:
        report = audit_report(engine, AUDIT)
    except AuditError:
        report = None
    if report is None:
        coder_id, auditor_id = _users(engine)
        cases = [c for c in load_cases() if c.setting is Setting.OUTPATIENT and c.em][:NOTES]
        coder = Coder(engine)
        with console.status("the assistant codes the notes …"):
            for case in cases:
                result = coder.suggest(case.note, setting=case.setting, on=case.on)
                codes = [ChartCode(kind_of(c.code), c.code, (), Decimal(c.units or 1)) for c in result.codes]
                if result.em is not None:
                    codes.append(ChartCode.parse(result.em.code))
                save_chart(engine, chart_number=case.name[:50], note=case.note, setting=case.setting.value,
                           service_date=case.on, coder_id=coder_id, lines=[CodedLine(c) for c in codes])
        summary = draw_audit(engine, name=AUDIT, size=NOTES, seed=2026, drawn_by=auditor_id,
                             pricing=Pricing(mac="10112", locality="00"))
        say(f"{len(cases)} charts coded by {CODER}; audit drawn: {summary.method} sample of {summary.sampled}, "
            f"seed {summary.seed}")
        answers = {c.name[:50]: c for c in cases}
        for number, case in answers.items():
            gold = [ChartCode(kind_of(c.code), c.code, (), Decimal(c.units or 1)) for c in case.codes]
            recode(engine, AUDIT, number, [*gold, ChartCode.parse(str(case.em))], auditor_id=auditor_id,
                   comment="the evaluation set's answer")
        report = audit_report(engine, AUDIT)
    for line in report_lines(report):
        say(line)
