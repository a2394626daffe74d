"""Facts a paper claim asks for that the claim model does not (yet) carry.

The CMS-1500 and UB-04 have boxes for things a practice usually knows once (its phone number,
whether it accepts assignment) or per claim but outside the coded encounter (accident, date of
onset). They are given here, with the values a practice most often prints, so a form never invents
them silently: a box is filled from the claim when the model has it, from these details when the
caller gives them, and is otherwise left blank (or takes the default documented on the field).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill.claims import Provider


@dataclass(frozen=True)
class FormDetails:
    """Paper-only facts for one claim (or a whole batch when they are practice-wide).

    Attributes:
        billing_phone: CMS-1500 box 33 / UB-04 FL 1 telephone, digits only.
        accept_assignment: CMS-1500 box 27 (YES by default: the provider accepts the payer's terms).
        amount_paid: CMS-1500 box 29, paid by the patient or other payers toward covered services.
        employment_related, auto_accident_state, other_accident: CMS-1500 box 10a-c; all NO unless given.
        current_illness: CMS-1500 box 14 date, with its qualifier (431 onset, 484 last menstrual period).
        additional_claim_info: CMS-1500 box 19.
        emergency: CMS-1500 box 24C, marks every line Y.
        service_facility: CMS-1500 box 32 / 32a when the service was not at the billing address.
        signed_on: date printed beside box 31's signature.
        medical_record_number: UB-04 FL 3b.
        discharge_hour: UB-04 FL 16, 0-23.
        release_of_information, assignment_of_benefits: UB-04 FL 52 and 53 (Y by default).
        created_on: UB-04 line 23 creation date (today when not given).
        remarks: UB-04 FL 80, up to four lines.
    """

    billing_phone: str | None = None
    accept_assignment: bool = True
    amount_paid: Decimal = Decimal("0.00")
    employment_related: bool = False
    auto_accident_state: str | None = None
    other_accident: bool = False
    current_illness: date | None = None
    current_illness_qualifier: str = "431"
    additional_claim_info: str | None = None
    emergency: bool = False
    service_facility: Provider | None = None
    signed_on: date | None = None
    medical_record_number: str | None = None
    discharge_hour: int | None = None
    release_of_information: str = "Y"
    assignment_of_benefits: str = "Y"
    created_on: date | None = None
    remarks: tuple[str, ...] = ()
