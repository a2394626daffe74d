"""A printer's character grid on a letter page, drawn with reportlab.

Both paper claim forms are laid out for impact and laser printers on a fixed grid: 10 characters per
inch (pica, 10-pitch) across and 6 lines per inch down an 8.5 x 11 inch sheet (NUCC 1500 Claim Form
Reference Instruction Manual, "printing"; NUBC UB-04 Data Specifications, form layout). A position
is therefore a (line, column) pair, both counted from 1, and a field is a run of columns on a line.
Courier at 12 points is exactly 7.2 points (0.1 inch) a character, so text set in it lands on the
grid column for column.

The form outline (box borders and labels, in the forms' drop-out red) is drawn in the same grid
units, so a value always sits inside its box whether the outline is printed or a pre-printed red
form is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from medbill.errors import ClaimError

INCH = 72.0
PAGE_WIDTH = 8.5 * INCH
PAGE_HEIGHT = 11.0 * INCH
COLUMN = INCH / 10  # 10 characters per inch
LINE = INCH / 6  # 6 lines per inch
DATA_FONT = "Courier"
DATA_SIZE = 12.0  # Courier 12 pt advances 7.2 pt = one grid column
LABEL_FONT = "Helvetica"
# The OCR drop-out red of the printed forms (Flint J-6983 or equivalent); close enough on screen.
FORM_RED = Color(0.86, 0.16, 0.16)
_BASELINE_ABOVE_CELL_BOTTOM = 2.6  # points: room for descenders inside a 12 pt line


@dataclass(frozen=True)
class Grid:
    """Where column 1 and line 1 of a form's grid sit on the sheet (inches from the top-left corner)."""

    left: float
    top: float

    def x(self, edge: float) -> float:
        """x in points of a column edge: edge 0 is the left side of column 1, edge c the right side of column c."""
        return (self.left * INCH) + edge * COLUMN

    def y(self, edge: float) -> float:
        """y in points (from the bottom, as PDF counts) of a line edge: edge 0 is the top of line 1."""
        return PAGE_HEIGHT - (self.top * INCH + edge * LINE)


class Sheet:
    """One page being drawn: data on the grid in black, the form outline in red."""

    def __init__(self, canvas: Canvas, grid: Grid) -> None:
        self.canvas = canvas
        self.grid = grid

    # -- data -------------------------------------------------------------------------------------
    def put(self, line: int, col: int, value: str | None, width: int, *, right: bool = False,
            whole: str | None = None) -> None:
        """Print ``value`` on ``line`` starting at ``col``, cut to ``width`` characters.

        ``right=True`` right-justifies it in the field (money, units), as print images do. Names and
        addresses may be cut, as the form manuals allow; a value that must never be cut (an amount, an
        identifier) is named in ``whole`` ("box 28 total charge"), and raises instead of printing wrong.

        Raises:
            ClaimError: a ``whole`` value longer than its box (the message names the box, not the value,
                which may be patient data).
        """
        if not value:
            return
        if whole is not None and len(value) > width:
            raise ClaimError(f"{whole}: the value needs {len(value)} characters and the box holds {width}; "
                             "this claim cannot be printed on paper as is, send it electronically")
        text = value[:width] if not right else value[-width:]
        if right:
            col = col + width - len(text)
        c = self.canvas
        c.setFillColorRGB(0, 0, 0)
        c.setFont(DATA_FONT, DATA_SIZE)
        c.drawString(self.grid.x(col - 1), self.grid.y(line) + _BASELINE_ABOVE_CELL_BOTTOM, text)

    # -- form outline -----------------------------------------------------------------------------
    def box(self, top: float, left: float, bottom: float, right: float, label: str = "",
            *, size: float = 5.0, shaded: bool = False) -> None:
        """A red box from line edge ``top`` to ``bottom`` and column edge ``left`` to ``right``.

        The label is set small in the box's top-left corner, as on the printed forms.
        """
        g, c = self.grid, self.canvas
        x0, x1 = g.x(left), g.x(right)
        y0, y1 = g.y(bottom), g.y(top)
        c.setStrokeColor(FORM_RED)
        c.setLineWidth(0.6)
        if shaded:
            c.setFillColor(Color(0.99, 0.90, 0.90))
            c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=1)
        else:
            c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
        if label:
            self.label(top, left + 0.3, label, size=size)

    def label(self, top: float, left: float, text: str, *, size: float = 5.0, bold: bool = False) -> None:
        """Red label text whose top sits just under line edge ``top``, starting at column edge ``left``."""
        c = self.canvas
        c.setFillColor(FORM_RED)
        c.setFont(LABEL_FONT + ("-Bold" if bold else ""), size)
        for row, part in enumerate(text.split("\n")):  # a label may take several short lines
            c.drawString(self.grid.x(left), self.grid.y(top) - (size + 0.4) * (row + 1), part)

    def rule(self, top: float, left: float, bottom: float, right: float, *, width: float = 0.6,
             dashed: bool = False) -> None:
        """A red straight line between two grid points (dividers, the cents line)."""
        c, g = self.canvas, self.grid
        c.setStrokeColor(FORM_RED)
        c.setLineWidth(width)
        c.setDash(1, 1.5) if dashed else c.setDash()
        c.line(g.x(left), g.y(top), g.x(right), g.y(bottom))
        c.setDash()

    def checkbox(self, line: int, col: int) -> None:
        """A small red square around the grid cell where an X goes."""
        g, c = self.grid, self.canvas
        c.setStrokeColor(FORM_RED)
        c.setLineWidth(0.5)
        x = g.x(col - 1) - 0.6
        y = g.y(line) + 1.0
        c.rect(x, y, COLUMN + 1.2, LINE - 3.0, stroke=1, fill=0)
