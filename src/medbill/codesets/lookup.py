"""The code-set questions every later stage asks, answered by date of service.

``CodeSets(engine).lookup("S52.521", on=date(2026, 5, 1))`` returns the code's detail from the
release in force on that date, or raises an error that says what to do: the code is unknown (with
the nearest codes), valid only in another period (with the periods), or no release covers the date.
"""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import Connection, Engine

from medbill.codesets.codes import icd10cm
from medbill.codesets.icd10cm_lookup import CodeDetail, Icd10cmSnapshot, resolve
from medbill.codesets.release import ReleaseRef
from medbill.errors import CodeNotInForce, UnknownCode
from medbill.store.queries_icd10cm import SqlTabular, load_snapshot, nearest_codes, releases_with_code
from medbill.store.releases import release_in_force, require_release

ICD10CM = "ICD-10-CM"


class CodeSets:
    """Code-set lookups over one store. Snapshots (whole releases in memory) are cached per release.

    One instance may be shared by threads (a server's requests): a snapshot is built once however many
    threads ask for it at the same moment, the others wait for it rather than each building their own.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._snapshots: dict[int, Icd10cmSnapshot] = {}
        self._building = threading.Lock()

    def lookup(self, code: str, on: date | None = None) -> CodeDetail:
        """The ICD-10-CM detail of ``code`` on ``on`` (default today), asking the store per code.

        Raises:
            NoReleaseInForce: no loaded ICD-10-CM release covers the date.
            CodeNotInForce: the code exists only in releases of other periods.
            UnknownCode: no loaded release has the code; carries the nearest codes.
        """
        on = on or date.today()
        canonical = icd10cm(code)
        with self.engine.connect() as conn:
            release_id, ref = self._in_force(conn, on)
            detail = resolve(SqlTabular(conn, release_id, ref), canonical)
            if detail is not None:
                return detail
            raise self._why_missing(conn, code, canonical, release_id, on)

    def snapshot(self, on: date | None = None) -> Icd10cmSnapshot:
        """The whole ICD-10-CM release in force on ``on``, in memory (loaded once per release)."""
        on = on or date.today()
        with self.engine.connect() as conn:
            release_id, ref = self._in_force(conn, on)
        return self.snapshot_of(release_id, ref)

    def snapshot_of(self, release_id: int, ref: ReleaseRef) -> Icd10cmSnapshot:
        """The snapshot of the loaded release ``release_id`` (built on first use, then kept)."""
        found = self._snapshots.get(release_id)
        if found is None:
            with self._building:  # a build takes seconds: one thread builds, the others wait and share it
                found = self._snapshots.get(release_id)
                if found is None:
                    with self.engine.connect() as conn:
                        found = self._snapshots[release_id] = load_snapshot(conn, release_id, ref)
        return found

    def built_snapshot(self, release_id: int) -> Icd10cmSnapshot | None:
        """The snapshot of ``release_id`` if it is already built, without building it."""
        return self._snapshots.get(release_id)

    def lookup_in(self, snapshot: Icd10cmSnapshot, code: str) -> CodeDetail:
        """Like :meth:`lookup`, from a snapshot already in memory (the fast path for many codes)."""
        detail = snapshot.lookup(code)  # most callers already pass the canonical form
        if detail is not None:
            return detail
        canonical = icd10cm(code)
        detail = snapshot.lookup(canonical)
        if detail is not None:
            return detail
        with self.engine.connect() as conn:
            found = release_in_force(conn, ICD10CM, snapshot.release.effective_from)
            release_id = found[0] if found else 0
            raise self._why_missing(conn, code, canonical, release_id, snapshot.release.effective_from)

    @staticmethod
    def _in_force(conn: Connection, on: date) -> tuple[int, ReleaseRef]:
        return require_release(conn, ICD10CM, on)

    @staticmethod
    def _why_missing(conn: Connection, asked: str, canonical: str, release_id: int,
                     on: date) -> Exception:
        elsewhere = releases_with_code(conn, canonical)
        if elsewhere:
            return CodeNotInForce(canonical, ICD10CM, on.isoformat(),
                                  [f"{r.period} ({r.version})" for r in elsewhere])
        return UnknownCode(asked, ICD10CM, nearest_codes(conn, release_id, canonical))
