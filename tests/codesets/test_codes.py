"""Code normalisation at the boundary: idempotent and lossless for every shape a user types."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medbill.codesets.codes import icd10cm, icd10cm_plain

CODES = st.from_regex(r"[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?", fullmatch=True)


@given(CODES, st.sampled_from(["", " ", "  "]))
def test_normalising_is_idempotent_and_ignores_spacing_and_case(code: str, pad: str) -> None:
    canonical = icd10cm(pad + code + pad)
    assert icd10cm(canonical) == canonical
    assert canonical == icd10cm(code.lower()) == icd10cm(code.upper())
    assert canonical.replace(".", "") == icd10cm_plain(code) == code.replace(".", "").upper()
    assert len(canonical) <= 3 or canonical[3] == "."
