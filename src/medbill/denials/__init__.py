"""Denials and appeals: why a claim was denied, what to work first, what to do, and the appeal letter.

Pure domain functions over the claim and remittance models (no database): :mod:`root_cause` classes a
denial from its CARC and RARC codes, :mod:`worklist` finds denials on 835s and orders them by expected
recoverable dollars and deadline, :mod:`actions` picks the next action and tracks the outcome, and
:mod:`appeal_letter` writes the letter as a PDF.
"""

from medbill.denials.actions import (
    TRANSITIONS,
    Circumstances,
    Decision,
    NextAction,
    Outcome,
    OutcomeRecord,
    OutcomeStep,
    corrected_claim,
    move,
    next_action,
    start,
    void_claim,
)
from medbill.denials.appeal_letter import AppealLetter, LetterLine, build_appeal_letter, write_appeal_pdf
from medbill.denials.root_cause import (
    Classification,
    DenialError,
    RootCause,
    RootCauseTable,
    load_root_causes,
    parse_root_causes,
    reason_text,
)
from medbill.denials.worklist import (
    DEFAULT_RECOVERY,
    AppealRules,
    Denial,
    Figures,
    WorkItem,
    build_worklist,
    denials_from_remittance,
    figures_by_cause,
    figures_by_payer,
    is_denied,
)

__all__ = [
    "DEFAULT_RECOVERY", "TRANSITIONS", "AppealLetter", "AppealRules", "Circumstances", "Classification",
    "Decision", "Denial", "DenialError", "Figures", "LetterLine", "NextAction", "Outcome", "OutcomeRecord",
    "OutcomeStep", "RootCause", "RootCauseTable", "WorkItem", "build_appeal_letter", "build_worklist",
    "corrected_claim", "denials_from_remittance", "figures_by_cause", "figures_by_payer", "is_denied", "load_root_causes",
    "move", "next_action", "parse_root_causes", "reason_text", "start", "void_claim", "write_appeal_pdf",
]
