"""``medbill demo``: the main job on the embedded default (SQLite, bundled official files).

Today the demo loads the bundled official code sets and shows what a coder asks of them; later
stages (claims, scrubbing, posting) extend it into the full revenue cycle.
"""

from __future__ import annotations

from datetime import date

from medbill.cli.render import console, handled

DOS = date(2026, 5, 1)  # a date of service inside the bundled FY2026 April release


def demo() -> None:
    """Load the bundled official files into SQLite and show lookups, search and the yearly diff."""
    from medbill import config
    from medbill.codesets.catalog import find_sources
    from medbill.codesets.compare import compare_releases
    from medbill.codesets.loading import load_file
    from medbill.codesets.lookup import CodeSets
    from medbill.codesets.search import search
    from medbill.errors import CodeSetError
    from medbill.store import open_store
    from medbill.store.releases import loaded_releases

    with handled():
        engine = open_store()
        console.rule("1. Load the official code sets (bundled copies; a second run changes nothing)")
        console.print(f"store: {engine.url.render_as_string(hide_password=True)}", highlight=False)
        with console.status("loading …"):
            for path, kind in find_sources(config.bundled_data_dir()):
                result = load_file(engine, path, kind=kind)
                console.print(("loaded   " if result.loaded else "unchanged ") + result.message, highlight=False)
        with engine.connect() as conn:
            console.print(f"{len(loaded_releases(conn))} releases in the store")

        codes = CodeSets(engine)
        console.rule(f"2. Look codes up as of {DOS.isoformat()}")
        for code in ("E11.6", "S52.521", "S52.521A", "I50.9"):
            d = codes.lookup(code, on=DOS)
            state = ("billable" if d.billable else "needs a 7th character" if d.needs_seventh_character
                     else f"header: {len(d.billable_children)} billable codes under it")
            console.print(f"{d.code:9} {state:45} {d.title}", highlight=False)
            for n in d.notes_of("excludes1")[:2]:
                console.print(f"{'':9} excludes1 (at {n.source}): {n.text}", highlight=False)
        change = compare_releases(engine, "ICD-10-CM", "FY2025 April update", "FY2026 April update")
        for bad in ["E11.99", *(code for code, _ in change.deleted[:1])]:
            try:
                codes.lookup(bad, on=DOS)
            except CodeSetError as exc:
                console.print(f"{bad:9} {exc}", highlight=False)

        console.rule("3. Search titles and inclusion terms")
        for hit in search(engine, "torus fracture radius", on=DOS, limit=5):
            console.print(f"{hit.code:9} {hit.title}", highlight=False)

        console.rule("4. What changed from FY2025 to FY2026 (April updates)")
        console.print(f"added {len(change.added):,} · deleted {len(change.deleted):,} · "
                      f"revised titles {len(change.revised):,}")
        for code, title in change.added[:3]:
            console.print(f"  added   {code:9} {title}", highlight=False)
        for code, title in change.deleted[:3]:
            console.print(f"  deleted {code:9} {title}", highlight=False)
        for revised in change.revised[:3]:
            console.print(f"  revised {revised.code:9} {revised.old_title} → {revised.new_title}", highlight=False)
