"""``medbill codes …``: load official code sets, list releases, look up, search, diff."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from medbill.cli.render import console, emit_json, handled, parse_date, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from medbill.codesets.release import SourceKind

app = typer.Typer(no_args_is_help=True, help="Official code sets: load, look up, search, compare releases.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
OnOption = Annotated[str | None, typer.Option("--on", help="Date of service, YYYY-MM-DD (default today).")]


def _engine() -> Engine:
    from medbill.store import open_store

    return open_store()


@app.command("load")
def load(
    source: Annotated[list[Path] | None, typer.Option("--from", help="Folder(s) or file(s) of official files "
                                                      "(default: the bundled demo files).")] = None,
    replace: Annotated[bool, typer.Option(help="Replace a release loaded from a different file.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Load official code-set files into the store (each file in one transaction; reloading is a no-op)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from medbill import config
    from medbill.codesets.catalog import find_sources, recognise
    from medbill.codesets.loading import load_file
    from medbill.errors import CodeSetFileError

    with handled(as_json):
        engine = _engine()
        targets: list[tuple[Path, SourceKind]] = []
        for src in source or [config.bundled_data_dir()]:
            if src.is_dir():
                targets.extend(find_sources(src))
            else:
                kind = recognise(src)
                if kind is None or not src.is_file():
                    load_file(engine, src)  # raises the error that names the file and the known kinds
                    continue
                targets.append((src, kind))
        if not targets:
            raise CodeSetFileError(", ".join(map(str, source or [])), "no official file medbill recognises here")
        results = []
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, disable=as_json, transient=True) as bar:
            files = bar.add_task("files", total=len(targets))
            for path, kind in targets:
                rows = bar.add_task(f"{kind.name}: {path.name}", total=None)
                results.append(load_file(engine, path, replace=replace, kind=kind,
                                         progress=lambda n, t=rows: bar.advance(t, n)))  # type: ignore[misc]
                bar.remove_task(rows)
                bar.advance(files)
        if as_json:
            emit_json(results)
            return
        for result in results:
            console.print(("[green]loaded[/] " if result.loaded else "[yellow]unchanged[/] ") + escape(result.message),
                          highlight=False)


@app.command("import-cpt")
def import_cpt(file: Annotated[Path, typer.Argument(help="Your licensed CPT data file (code and descriptor per "
                                                    "line, or a CSV with code and descriptor columns).")],
               year: Annotated[int | None, typer.Option("--year", help="The CPT year (default: from the file "
                                                          "name).")] = None,
               replace: Annotated[bool, typer.Option(help="Replace that year's import.")] = False,
               as_json: JsonFlag = False) -> None:
    """Import your licensed CPT codes and descriptors into your store, for the coder's CPT suggestions.

    medbill never ships CPT descriptors (they are the AMA's); they live only in the store you import them to.
    """
    from medbill.codesets.cpt import read_cpt
    from medbill.store.codeset_loader import load_release

    with handled(as_json):
        result = load_release(_engine(), read_cpt(file, year=year), replace=replace)
        if as_json:
            emit_json(result)
            return
        say(result.message)


@app.command("releases")
def releases(as_json: JsonFlag = False) -> None:
    """List the loaded releases with their period in force, source file and checksum."""
    from rich.table import Table

    from medbill.store.releases import loaded_releases

    with handled(as_json):
        with _engine().connect() as conn:
            found = loaded_releases(conn)
        if as_json:
            emit_json(found)
            return
        table = Table("code system", "version", "in force", "source file", "rows", "sha256")
        for r in found:
            table.add_row(*map(escape, (r.code_system, r.version, r.ref.period, r.source_file)), f"{r.row_count:,}",
                          r.sha256[:12])
        console.print(table)


@app.command("lookup")
def lookup(code: str, on: OnOption = None, as_json: JsonFlag = False) -> None:
    """Title, billable or not, every note that applies (and where it is printed), 7th characters."""
    from medbill.codesets.lookup import CodeSets

    with handled(as_json):
        detail = CodeSets(_engine()).lookup(code, on=parse_date(on))
        if as_json:
            emit_json(detail)
            return
        _print_detail(detail)


def _print_detail(d) -> None:  # type: ignore[no-untyped-def]
    status = ("[green]billable[/]" if d.billable else
              "[yellow]not billable: needs a 7th character[/]" if d.needs_seventh_character else
              "[yellow]not billable: a header, use one of its codes[/]")
    console.print(f"[bold]{d.code}[/] {escape(d.title)}", highlight=False)
    console.print(f"{status} · {escape(d.release.code_system)} {escape(d.release.version)}, "
                  f"in force {d.release.period}", highlight=False)
    if d.ancestors:
        say("in: " + " › ".join(c for c, _ in reversed(d.ancestors)))
    if d.seventh_characters:
        console.print("[bold]7th character[/]:")
        for s in d.seventh_characters:
            say(f"  {s.character}  {s.meaning}")
    if d.billable_children:
        console.print(f"[bold]billable codes under it[/] ({len(d.billable_children)}):")
        for c, title in d.billable_children[:40]:
            say(f"  {c}  {title}")
        if len(d.billable_children) > 40:
            console.print(f"  … and {len(d.billable_children) - 40} more (use --json for all)")
    current = None
    for n in d.notes:
        if n.note_type != current:
            current = n.note_type
            console.print(f"[bold]{n.note_type.replace('_', ' ')}[/]:")
        where = "" if n.source == d.code else f"  [dim](at {escape(n.source)})[/]"
        console.print(f"  {escape(n.text)}{where}", highlight=False)


@app.command("search")
def search(text: str, limit: Annotated[int, typer.Option(min=1, max=200)] = 10, on: OnOption = None,
           as_json: JsonFlag = False) -> None:
    """Ranked matches over titles, inclusion terms and the Index."""
    from rich.table import Table

    from medbill.codesets.search import search as run

    with handled(as_json):
        hits = run(_engine(), text, on=parse_date(on), limit=limit)
        if as_json:
            emit_json(hits)
            return
        table = Table("code", "title", "matched", "where")
        for h in hits:
            table.add_row(*map(escape, (h.code, h.title, "" if h.matched == h.title else h.matched, h.where)))
        console.print(table)
        if not hits:
            raise typer.Exit(1)


@app.command("diff")
def diff(old: Annotated[str, typer.Argument(help="Version of the older release, e.g. 'FY2025 April update'.")],
         new: Annotated[str, typer.Argument(help="Version of the newer release.")],
         system: Annotated[str, typer.Option(help="Code system.")] = "ICD-10-CM",
         show: Annotated[int, typer.Option(help="How many codes of each list to print.")] = 20,
         as_json: JsonFlag = False) -> None:
    """Added, deleted and revised codes/titles between two loaded releases."""
    from medbill.codesets.compare import compare_releases

    with handled(as_json):
        result = compare_releases(_engine(), system, old, new)
        if as_json:
            emit_json({"old": result.old, "new": result.new, "counts": {
                "added": len(result.added), "deleted": len(result.deleted), "revised": len(result.revised)},
                "by_kind": result.by_kind, "added": result.added, "deleted": result.deleted,
                "revised": result.revised})
            return
        say(f"{system}: {result.old.version} → {result.new.version}")
        say(f"added {len(result.added):,} · deleted {len(result.deleted):,} · "
                      f"revised titles {len(result.revised):,}")
        for label, items in (("added", result.added), ("deleted", result.deleted)):
            for code, title in items[:show]:
                say(f"  {label:8} {code:9} {title}")
        for change in result.revised[:show]:
            say(f"  revised  {change.code:9} {change.old_title} → {change.new_title}")
