"""Compare two loaded releases of a code system (the service behind ``medbill codes diff``)."""

from __future__ import annotations

from sqlalchemy import Engine

from medbill.codesets.diff import ReleaseDiff, diff_codes
from medbill.errors import CodeSetError
from medbill.store.queries_icd10cm import code_titles
from medbill.store.releases import find_release, loaded_releases


def compare_releases(engine: Engine, code_system: str, old: str, new: str) -> ReleaseDiff:
    """Added, deleted and revised codes between releases ``old`` and ``new`` (version labels).

    Raises:
        CodeSetError: a release is not loaded (the message lists what is), or the code system has no
            comparison yet.
    """
    if code_system != "ICD-10-CM":
        raise CodeSetError(f"comparing releases of {code_system} is not supported yet; ICD-10-CM is")
    with engine.connect() as conn:
        found = []
        for version in (old, new):
            release = find_release(conn, code_system, version)
            if release is None:
                have = ", ".join(repr(r.version) for r in loaded_releases(conn, code_system)) or "none"
                raise CodeSetError(f"no {code_system} release {version!r} is loaded (loaded: {have})")
            found.append(release)
        a, b = found
        return diff_codes(a.ref, code_titles(conn, a.id), b.ref, code_titles(conn, b.id))
