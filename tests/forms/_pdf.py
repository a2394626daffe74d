"""Read a printed form back: text runs with their place on the sheet, and the page as an image.

Positions are checked against the print grids as the form manuals define them (10 characters and 6
lines per inch), written out here independently of the module under test.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

ON_CI = os.environ.get("CI", "").lower() == "true"
PAGE_HEIGHT_PT = 792.0


@dataclass(frozen=True)
class Run:
    """One string drawn on the page: its text, font size and where it starts (inches from the top-left)."""

    text: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class GridSpec:
    """Where print column 1 / line 1 sit on the sheet, in inches (as the tests expect it)."""

    left: float
    top: float

    def cell(self, run: Run) -> tuple[int, int]:
        """(line, column) of the grid cell a run starts in."""
        col = int((run.x - self.left) * 10 + 1e-6) + 1
        line = int((run.y - self.top) * 6 + 1e-6) + 1
        return line, col


CMS1500 = GridSpec(left=0.3, top=1 / 3)
UB04 = GridSpec(left=0.2, top=1 / 6)


def runs(pdf: bytes, page: int = 0) -> list[Run]:
    """Every text run on a page, with its starting point; data runs are the 12 pt Courier ones."""
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = (tm[4] * cm[0] + cm[4]) / 72.0
            y = (PAGE_HEIGHT_PT - (tm[5] * cm[3] + cm[5])) / 72.0
            found.append(Run(text.strip(), x, y, size))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def data_cells(pdf: bytes, grid: GridSpec, page: int = 0) -> dict[tuple[int, int], str]:
    """The data printed on a page (12 pt runs), by (line, column) of the grid."""
    return {grid.cell(r): r.text for r in runs(pdf, page) if abs(r.size - 12) < 0.01}


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def need(tool: str) -> str:
    """The path of a poppler tool, or skip (fail under CI) saying how to install it."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is missing. Install Debian's poppler-utils (apt-get install poppler-utils)."
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def layout_text(pdf_path: Path, page: int = 1) -> str:
    """pdftotext -layout of one page: the form read as a person reads it."""
    out = subprocess.run([need("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf_path), "-"],
                         check=True, capture_output=True, text=True)
    return out.stdout


def render_png(pdf_path: Path, tmp: Path, page: int = 1, dpi: int = 50) -> Image.Image:
    """Page ``page`` rendered to PNG by pdftoppm, opened with Pillow."""
    prefix = tmp / f"page{page}"
    subprocess.run([need("pdftoppm"), "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf_path), str(prefix)], check=True, capture_output=True)
    return Image.open(f"{prefix}.png").convert("RGB")


def dark_pixels(image: Image.Image, box: tuple[float, float, float, float], dpi: int = 50) -> int:
    """How many near-black pixels lie in a region given in inches (left, top, right, bottom)."""
    left, top, right, bottom = (round(v * dpi) for v in box)
    histogram = image.crop((left, top, right, bottom)).convert("L").histogram()
    return sum(histogram[:80])


def red_pixels(image: Image.Image) -> int:
    """How many pixels are the form's red (strong red, little green and blue)."""
    data = image.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > 150 and data[i + 1] < 120 and data[i + 2] < 120)
