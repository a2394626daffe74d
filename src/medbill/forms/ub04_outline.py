"""The UB-04 (CMS-1450) form itself: form locator borders and labels in red, on the 10 cpi / 6 lpi grid.

A faithful outline of the NUBC UB-04 for printing on plain paper, drawn in the same grid units as
the data (see ``_sheet`` and ``ub04``): FL 1-7 on lines 1-4, FL 8-9 on 5-6, FL 10-30 on 7-8, FL 31-37
on 9-11, FL 38-41 on 12-16, the service lines FL 42-49 on 17-40 (heading, 22 lines, line 23), FL 50-57
on 41-44, FL 58-62 on 45-48, FL 63-65 on 49-52, FL 66-68 on 53-54, FL 69-73 on 55, FL 74-77 on
56-59 and FL 78-81 on 60-63. Payers that scan paper need the official red-ink form: print on it with
``with_form=False``.
"""

from __future__ import annotations

from medbill.forms._sheet import Grid, Sheet

# Print position 1 is 0.2 inch from the left edge and line 1 begins 1/6 inch from the top: the UB-04
# uses 81 print columns and 63 lines of the 85 x 66 grid of a letter sheet.
UB04_GRID = Grid(left=0.2, top=1 / 6)
LEFT, RIGHT = -0.5, 81.5

# (label, first line, left column edge, last line, right column edge)
_BOXES: tuple[tuple[str, int, float, int, float], ...] = (
    ("1", 1, LEFT, 4, 25.0),
    ("2", 1, 25.0, 4, 49.0),
    ("3a PAT.\nCNTL #", 1, 49.0, 1, 77.0),
    ("b. MED.\nREC. #", 2, 49.0, 2, 77.0),
    ("4 TYPE OF BILL", 1, 77.0, 2, RIGHT),
    ("5 FED. TAX NO.", 3, 49.0, 4, 59.5),
    ("6 STATEMENT COVERS PERIOD  FROM   THROUGH", 3, 59.5, 4, 73.5),
    ("7", 3, 73.5, 4, RIGHT),
    ("8 PATIENT NAME", 5, LEFT, 6, 30.5),
    ("9 PATIENT ADDRESS", 5, 30.5, 6, RIGHT),
    ("10 BIRTHDATE", 7, LEFT, 8, 9.5),
    ("11 SEX", 7, 9.5, 8, 11.5),
    ("12 ADM DATE", 7, 11.5, 8, 18.0),
    ("13 HR", 7, 18.0, 8, 20.5),
    ("14 TYPE", 7, 20.5, 8, 23.5),
    ("15 SRC", 7, 23.5, 8, 26.5),
    ("16 DHR", 7, 26.5, 8, 29.5),
    ("17 STAT", 7, 29.5, 8, 33.5),
    ("29 ACDT STATE", 7, 66.5, 8, 72.5),
    ("30", 7, 72.5, 8, RIGHT),
    ("35 OCCURRENCE SPAN  CODE  FROM  THROUGH", 9, 39.5, 11, 56.5),
    ("36 OCCURRENCE SPAN  CODE  FROM  THROUGH", 9, 56.5, 11, 73.5),
    ("37", 9, 73.5, 11, RIGHT),
    ("38", 12, LEFT, 16, 41.5),
    ("39 VALUE CODES  CODE  AMOUNT", 12, 41.5, 16, 55.5),
    ("40 VALUE CODES  CODE  AMOUNT", 12, 55.5, 16, 68.5),
    ("41 VALUE CODES  CODE  AMOUNT", 12, 68.5, 16, RIGHT),
    ("42 REV. CD.", 17, LEFT, 40, 4.5),
    ("43 DESCRIPTION", 17, 4.5, 40, 29.5),
    ("44 HCPCS / RATE / HIPPS CODE", 17, 29.5, 40, 44.5),
    ("45 SERV. DATE", 17, 44.5, 40, 51.5),
    ("46 SERV. UNITS", 17, 51.5, 40, 59.5),
    ("47 TOTAL CHARGES", 17, 59.5, 40, 70.5),
    ("48 NON-COVERED CHARGES", 17, 70.5, 40, 80.5),
    ("49", 17, 80.5, 40, RIGHT),
    ("50 PAYER NAME", 41, LEFT, 44, 23.5),
    ("51 HEALTH PLAN ID", 41, 23.5, 44, 39.5),
    ("52 REL INFO", 41, 39.5, 44, 42.5),
    ("53 ASG BEN", 41, 42.5, 44, 44.5),
    ("54 PRIOR PAYMENTS", 41, 44.5, 44, 55.5),
    ("55 EST. AMOUNT DUE", 41, 55.5, 44, 66.5),
    ("56 NPI", 41, 66.5, 41, RIGHT),
    ("57 OTHER PRV ID", 42, 66.5, 44, RIGHT),
    ("58 INSURED'S NAME", 45, LEFT, 48, 25.5),
    ("59 P. REL", 45, 25.5, 48, 28.5),
    ("60 INSURED'S UNIQUE ID", 45, 28.5, 48, 48.5),
    ("61 GROUP NAME", 45, 48.5, 48, 63.5),
    ("62 INSURANCE GROUP NO.", 45, 63.5, 48, RIGHT),
    ("63 TREATMENT AUTHORIZATION CODES", 49, LEFT, 52, 29.5),
    ("64 DOCUMENT CONTROL NUMBER", 49, 29.5, 52, 56.5),
    ("65 EMPLOYER NAME", 49, 56.5, 52, RIGHT),
    ("68", 53, 73.0, 54, RIGHT),
    ("69 ADMIT DX", 55, LEFT, 55, 11.5),
    ("70 PATIENT REASON DX", 55, 11.5, 55, 40.5),
    ("71 PPS CODE", 55, 40.5, 55, 46.5),
    ("72 ECI", 55, 46.5, 55, 73.5),
    ("73", 55, 73.5, 55, RIGHT),
    ("74 PRINCIPAL PROCEDURE CODE DATE     a. OTHER PROCEDURE CODE DATE     b. OTHER PROCEDURE CODE DATE",
     56, LEFT, 59, 44.5),
    ("75", 56, 44.5, 59, 51.5),
    ("76 ATTENDING", 56, 51.5, 57, RIGHT),
    ("77 OPERATING", 58, 51.5, 59, RIGHT),
    ("80 REMARKS", 60, LEFT, 63, 24.5),
    ("81CC", 60, 24.5, 63, 51.5),
    ("78 OTHER", 60, 51.5, 61, RIGHT),
    ("79 OTHER", 62, 51.5, 63, RIGHT),
)

_SMALL_LABELS: tuple[tuple[float, float, str], ...] = (
    (39.0, 5.3, "PAGE"), (39.0, 12.6, "OF"), (39.0, 34.0, "CREATION DATE"), (39.0, 52.2, "TOTALS"),
    (57.0, 0.3, "c. OTHER PROCEDURE CODE DATE     d. OTHER PROCEDURE CODE DATE     e. OTHER PROCEDURE"),
    (55.0, 56.6, "NPI"), (55.0, 69.4, "QUAL"), (56.0, 51.8, "LAST"), (56.0, 68.2, "FIRST"),
    (57.0, 56.6, "NPI"), (57.0, 69.4, "QUAL"), (58.0, 51.8, "LAST"), (58.0, 68.2, "FIRST"),
    (53.0, -1.4, "66"), (6.0, 36.0, "ADMISSION"), (6.0, 40.0, "CONDITION CODES"),
)


def draw_ub04_outline(sheet: Sheet) -> None:
    """Draw the red UB-04 (CMS-1450) form on the current page."""
    for label, first, left, last, right in _BOXES:
        sheet.box(first - 1, left, last, right, label, size=4.2)
    for n in range(11):  # FL 18-28 condition codes
        sheet.box(6, 33.5 + 3 * n, 8, 36.5 + 3 * n, str(18 + n), size=4.2)
    for n in range(4):  # FL 31-34 occurrence codes
        sheet.box(8, LEFT + 10 * n, 11, 9.5 + 10 * n, f"{31 + n} OCCURRENCE  CODE  DATE", size=4.0)
    for n in range(9):  # FL 67 principal + A-H, then I-Q, each code with its POA column
        for line, letters in ((53, " ABCDEFGH"), (54, "IJKLMNOPQ")):
            left = 1.0 + 8 * n
            sheet.box(line - 1, left, line, left + 8, letters[n].strip() or "67", size=4.0)
            sheet.rule(line - 1, left + 7, line, left + 7, dashed=True)
    sheet.box(53, LEFT, 54, 1.0)  # FL 66, the diagnosis version qualifier
    for line in (57, 59):  # FL 74: code | date, for the principal and the other procedures
        for edge in (8.0, 22.0, 37.0):
            sheet.rule(line - 1, edge, line, edge, dashed=True)
        for edge in (15.0, 30.0):
            sheet.rule(line - 1, edge, line, edge)
    for line in range(18, 40):  # the 22 service lines and line 23
        sheet.rule(line, LEFT, line, RIGHT, width=0.25)
        sheet.label(line - 1, -1.45, str(line - 17), size=4.0)
    sheet.rule(39, LEFT, 39, RIGHT, width=0.8)
    sheet.label(39, -1.45, "23", size=4.0)
    for edge in (68.0, 78.0):  # cents lines of FL 47 and 48
        sheet.rule(17, edge, 40, edge, dashed=True)
    for line, letter in ((42, "A"), (43, "B"), (44, "C")):
        sheet.label(line - 1, -1.45, letter, size=5.0)
        sheet.rule(line, LEFT, line, RIGHT, width=0.25)
    for line in (46, 47, 50, 51):
        sheet.rule(line, LEFT, line, RIGHT, width=0.25)
    sheet.label(63.2, LEFT, "UB-04 CMS-1450   APPROVED OMB NO. 0938-0997", size=5.5, bold=True)
    sheet.label(63.2, 30.0, "NUBC  National Uniform Billing Committee", size=5.5)
    sheet.label(63.2, 52.0, "THE CERTIFICATIONS ON THE REVERSE APPLY TO THIS BILL AND ARE MADE A PART HEREOF.",
                size=3.8)
