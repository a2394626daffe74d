"""Shared rendering for the CLI: JSON for machines, rich for people, errors with exit codes."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from medbill.errors import CodeSetError, CodeSetFileError, MedbillError

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def say(text: str) -> None:
    """Print data as it is: titles such as "abscess of back [any part]" must not be read as markup."""
    console.print(text, markup=False, highlight=False)


def plain(value: Any) -> Any:
    """A JSON-ready copy of dataclasses, dates, decimals, tuples and counters."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # NamedTuple records
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(plain(value), indent=2, ensure_ascii=False) + "\n")


@contextmanager
def handled(as_json: bool = False) -> Iterator[None]:
    """Turn medbill errors into a message (or a JSON error object) and the right exit code."""
    try:
        yield
    except MedbillError as exc:
        code = 2 if isinstance(exc, CodeSetFileError) or not isinstance(exc, CodeSetError) else 1
        if as_json:
            emit_json({"error": type(exc).__name__, "message": str(exc),
                       **{k: plain(v) for k, v in vars(exc).items() if not k.startswith("_")}})
        else:
            errors.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code) from None


def parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None



def login_name() -> str:
    """Who made a move, for a claim's history (the login name; never patient data)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container without a passwd entry
        return "medbill"
