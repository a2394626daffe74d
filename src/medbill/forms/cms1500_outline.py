"""The CMS-1500 (02/12) form itself: box borders and labels in red, on the 10 cpi / 6 lpi grid.

Drawn so a claim printed on plain paper reads like the pre-printed form. Box edges are given in grid
units (see ``_sheet``): a box "lines 9-10, column edges 29.5-48.5" holds its label on line 9 and its
data on line 10, between the gutters of columns 29 and 49. The box arrangement follows the NUCC 1500
Health Insurance Claim Form (02/12) and the print positions in ``cms1500``; it is a faithful outline,
not the scanner-grade artwork (payers that scan require the official red-ink form: print with
``with_form=False`` onto it).
"""

from __future__ import annotations

from medbill.forms._sheet import Grid, Sheet

# Where the NUCC grid sits on the sheet: print position 1 is 0.3 inch from the left edge (the x offset
# usually given for the 1500's print area) and line 1 begins 1/3 inch from the top, which puts box 1's
# data line (line 8) and box 33a's (line 61) on the form's rows. Printers differ by a few hundredths of
# an inch: align pre-printed forms with the printer's own offsets.
CMS1500_GRID = Grid(left=0.3, top=1 / 3)

LEFT, MID, SPLIT, RIGHT = -0.5, 29.5, 48.5, 78.5

_BOX12 = ("READ BACK OF FORM BEFORE COMPLETING & SIGNING THIS FORM.\n"
          "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE I authorize the release of any medical or other\n"
          "information necessary to process this claim.")
_BOX13 = ("13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE I authorize\n"
          "payment of medical benefits to the undersigned physician or supplier.")

# (label, first line, left column edge, last line, right column edge)
_BOXES: tuple[tuple[str, int, float, int, float], ...] = (
    ("", 7, LEFT, 8, SPLIT),
    ("1a. INSURED'S I.D. NUMBER                (For Program in Item 1)", 7, SPLIT, 8, RIGHT),
    ("2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", 9, LEFT, 10, MID),
    ("3. PATIENT'S BIRTH DATE          SEX", 9, MID, 10, SPLIT),
    ("4. INSURED'S NAME (Last Name, First Name, Middle Initial)", 9, SPLIT, 10, RIGHT),
    ("5. PATIENT'S ADDRESS (No., Street)", 11, LEFT, 12, MID),
    ("6. PATIENT RELATIONSHIP TO INSURED", 11, MID, 12, SPLIT),
    ("7. INSURED'S ADDRESS (No., Street)", 11, SPLIT, 12, RIGHT),
    ("CITY", 13, LEFT, 14, 24.5),
    ("STATE", 13, 24.5, 14, MID),
    ("8. RESERVED FOR NUCC USE", 13, MID, 16, SPLIT),
    ("CITY", 13, SPLIT, 14, 72.5),
    ("STATE", 13, 72.5, 14, RIGHT),
    ("ZIP CODE", 15, LEFT, 16, 12.5),
    ("TELEPHONE (Include Area Code)", 15, 12.5, 16, MID),
    ("ZIP CODE", 15, SPLIT, 16, 63.5),
    ("TELEPHONE (Include Area Code)", 15, 63.5, 16, RIGHT),
    ("9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", 17, LEFT, 18, MID),
    ("10. IS PATIENT'S CONDITION RELATED TO:", 17, MID, 26, SPLIT),
    ("11. INSURED'S POLICY GROUP OR FECA NUMBER", 17, SPLIT, 18, RIGHT),
    ("a. OTHER INSURED'S POLICY OR GROUP NUMBER", 19, LEFT, 20, MID),
    ("a. INSURED'S DATE OF BIRTH                         SEX", 19, SPLIT, 20, RIGHT),
    ("b. RESERVED FOR NUCC USE", 21, LEFT, 22, MID),
    ("b. OTHER CLAIM ID (Designated by NUCC)", 21, SPLIT, 22, RIGHT),
    ("c. RESERVED FOR NUCC USE", 23, LEFT, 24, MID),
    ("c. INSURANCE PLAN NAME OR PROGRAM NAME", 23, SPLIT, 24, RIGHT),
    ("d. INSURANCE PLAN NAME OR PROGRAM NAME", 25, LEFT, 26, MID),
    ("d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", 25, SPLIT, 26, RIGHT),
    (_BOX12, 27, LEFT, 30, SPLIT),
    (_BOX13, 27, SPLIT, 30, RIGHT),
    ("14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)", 31, LEFT, 32, 26.5),
    ("15. OTHER DATE", 31, 26.5, 32, SPLIT),
    ("16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION", 31, SPLIT, 32, RIGHT),
    ("17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", 33, LEFT, 34, MID),
    ("18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES", 33, SPLIT, 34, RIGHT),
    ("19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)", 35, LEFT, 36, SPLIT),
    ("20. OUTSIDE LAB?                 $ CHARGES", 35, SPLIT, 36, RIGHT),
    ("21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)", 37, LEFT, 40, SPLIT),
    ("22. RESUBMISSION CODE                    ORIGINAL REF. NO.", 37, SPLIT, 38, RIGHT),
    ("23. PRIOR AUTHORIZATION NUMBER", 39, SPLIT, 40, RIGHT),
    ("25. FEDERAL TAX I.D. NUMBER      SSN  EIN", 55, LEFT, 56, 20.5),
    ("26. PATIENT'S ACCOUNT NO.", 55, 20.5, 56, 35.5),
    ("27. ACCEPT ASSIGNMENT?", 55, 35.5, 56, SPLIT),
    ("28. TOTAL CHARGE", 55, SPLIT, 56, 60.5),
    ("29. AMOUNT PAID", 55, 60.5, 56, 70.5),
    ("30. Rsvd for NUCC Use", 55, 70.5, 56, RIGHT),
    ("31. SIGNATURE OF PHYSICIAN OR SUPPLIER\nINCLUDING DEGREES OR CREDENTIALS", 57, LEFT, 61, 20.5),
    ("32. SERVICE FACILITY LOCATION INFORMATION", 57, 20.5, 61, 47.5),
    ("33. BILLING PROVIDER INFO & PH #", 57, 47.5, 61, RIGHT),
)

# Box 24 columns: (label, left edge, right edge)
_LINE_COLUMNS: tuple[tuple[str, float, float], ...] = (
    ("24. A.   DATE(S) OF SERVICE\n      From                    To\nMM   DD   YY   MM   DD   YY", LEFT, 17.5),
    ("B.\nPLACE OF\nSERVICE", 17.5, 20.5),
    ("C.\n\nEMG", 20.5, 23.5),
    ("D. PROCEDURES, SERVICES, OR SUPPLIES\n(Explain Unusual Circumstances)\nCPT/HCPCS                   MODIFIER", 23.5, 43.5),
    ("E.\nDIAGNOSIS\nPOINTER", 43.5, SPLIT),
    ("F.\n\n$ CHARGES", SPLIT, 57.5),
    ("G.\nDAYS\nOR UNITS", 57.5, 61.5),
    ("H.\nEPSDT\nFamily Plan", 61.5, 64.5),
    ("I.\nID.\nQUAL.", 64.5, 66.5),
    ("J.\nRENDERING\nPROVIDER ID. #", 66.5, RIGHT),
)

# Check boxes: (line, column of the X, caption printed right of it)
_CHECKBOXES: tuple[tuple[int, int, str], ...] = (
    (8, 1, "(Medicare#)"), (8, 8, "(Medicaid#)"), (8, 15, "(ID#/DoD#)"), (8, 24, "(Member ID#)"),
    (8, 31, "(ID#)"), (8, 39, "(ID#)"), (8, 45, "(ID#)"),
    (10, 42, "M"), (10, 47, "F"),
    (12, 33, "Self"), (12, 38, "Spouse"), (12, 42, "Child"), (12, 47, "Other"),
    (20, 35, "YES"), (20, 41, "NO"), (22, 35, "YES"), (22, 41, "NO"), (24, 35, "YES"), (24, 41, "NO"),
    (20, 68, "M"), (20, 75, "F"), (26, 52, "YES"), (26, 57, "NO"), (36, 52, "YES"), (36, 57, "NO"),
    (56, 17, ""), (56, 19, ""), (56, 38, "YES"), (56, 43, "NO"),
)

_SMALL_LABELS: tuple[tuple[int, float, str], ...] = (
    (7, 0.3, "1. MEDICARE"), (7, 7.3, "MEDICAID"), (7, 14.3, "TRICARE"), (7, 23.3, "CHAMPVA"),
    (7, 30.3, "GROUP HEALTH PLAN"), (7, 38.3, "FECA BLK LUNG"), (7, 44.3, "OTHER"),
    (19, 30.3, "a. EMPLOYMENT? (Current or Previous)"), (21, 30.3, "b. AUTO ACCIDENT?      PLACE (State)"),
    (23, 30.3, "c. OTHER ACCIDENT?"), (25, 30.3, "10d. CLAIM CODES (Designated by NUCC)"),
    (29, 0.3, "SIGNED"), (29, 36.3, "DATE"), (29, 49.3, "SIGNED"),
    (32, 11.6, "QUAL."), (32, 27.3, "QUAL."), (32, 50.5, "FROM"), (32, 64.5, "TO"),
    (33, 29.6, "17a."), (34, 29.6, "17b. NPI"), (34, 50.5, "FROM"), (34, 64.5, "TO"),
    (37, 32.0, "ICD Ind."),
    (38, 0.3, "A."), (38, 13.3, "B."), (38, 26.3, "C."), (38, 39.3, "D."),
    (39, 0.3, "E."), (39, 13.3, "F."), (39, 26.3, "G."), (39, 39.3, "H."),
    (40, 0.3, "I."), (40, 13.3, "J."), (40, 26.3, "K."), (40, 39.3, "L."),
    (61, 0.3, "SIGNED"), (61, 10.0, "DATE"), (61, 20.8, "a."), (61, 31.8, "b."), (61, 47.8, "a."),
    (61, 60.8, "b."),
)


def draw_cms1500_outline(sheet: Sheet) -> None:
    """Draw the red CMS-1500 (02/12) form on the current page."""
    sheet.label(0.3, LEFT, "1500", size=16, bold=True)
    sheet.label(2.2, LEFT, "HEALTH INSURANCE CLAIM FORM", size=11, bold=True)
    sheet.label(3.6, LEFT, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12", size=5)
    sheet.label(5.2, LEFT, "PICA", size=6)
    sheet.label(5.2, 75.0, "PICA", size=6)
    sheet.label(0.2, 40.0, "CARRIER", size=5)
    for label, first, left, last, right in _BOXES:
        sheet.box(first - 1, left, last, right, label, size=4.6)
    for line, edge, text in _SMALL_LABELS:
        if text:
            sheet.label(line - 1, edge, text, size=4.6)
    for line, col, caption in _CHECKBOXES:
        sheet.checkbox(line, col)
        if caption:
            sheet.label(line - 0.75, col + 0.4, caption, size=4.2)
    _draw_service_lines(sheet)
    # cents lines of the money boxes (the blank print column 55, 57, 67 of the grid)
    sheet.rule(54, 56.5, 56, 56.5, dashed=True)
    sheet.rule(54, 66.5, 56, 66.5, dashed=True)
    sheet.label(61.2, LEFT, "NUCC Instruction Manual available at: www.nucc.org", size=5)
    sheet.label(61.2, 32.0, "PLEASE PRINT OR TYPE", size=6, bold=True)
    sheet.label(61.2, 52.0, "APPROVED OMB-0938-1197 FORM 1500 (02-12)", size=5)


def _draw_service_lines(sheet: Sheet) -> None:
    """Box 24: the heading, six service lines, each under its shaded supplemental line."""
    for label, left, right in _LINE_COLUMNS:
        sheet.box(40, left, 42, right, label, size=3.8)
    for n in range(6):
        top = 42 + 2 * n
        sheet.box(top, LEFT, top + 1, 66.5, shaded=True)
        sheet.box(top + 1, LEFT, top + 2, 66.5)
        sheet.box(top, 66.5, top + 2, RIGHT)
        sheet.rule(top + 1, 66.5, top + 1, RIGHT, dashed=True)
        sheet.label(top + 1, 64.6, "NPI", size=4.2)
        sheet.label(top + 1, -1.4, str(n + 1), size=6, bold=True)
        for _, left, _right in _LINE_COLUMNS[1:-1]:
            sheet.rule(top + 1, left, top + 2, left)
        sheet.rule(top + 1, 8.5, top + 2, 8.5, dashed=True)  # From | To
        sheet.rule(top + 1, 31.5, top + 2, 31.5)  # CPT/HCPCS | modifiers
        sheet.rule(top + 1, 54.5, top + 2, 54.5, dashed=True)  # 24F cents line
