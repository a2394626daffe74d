"""Code sets (ICD-10-CM lookup and search) and coding suggestions for a clinical note.

Code sets are shared reference data, not a tenant's: any signed-in user may look codes up. A note sent for
coding is read and answered, never stored. A lookup is answered from the release's snapshot held by the
application (:class:`SharedCodeSets`) once it is built, and by the store until then.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from medbill.api.auth import Caller, Guard
from medbill.api.serialize import plain
from medbill.codesets.codes import icd10cm
from medbill.codesets.icd10cm_lookup import CodeDetail
from medbill.codesets.lookup import ICD10CM, CodeSets
from medbill.codesets.release import ReleaseRef
from medbill.codesets.search import search
from medbill.coding.model import Setting
from medbill.coding.suggest import Coder
from medbill.security.roles import Permission
from medbill.store.releases import require_release

log = logging.getLogger(__name__)
router = APIRouter(tags=["code sets and coding"])
AnyUser = Annotated[Caller, Depends(Guard(None))]
Coding = Annotated[Caller, Depends(Guard(Permission.CODE_ENCOUNTERS))]
OnDate = Annotated[date | None, Query(description="Date of service (default today).")]


@router.get("/codes/icd10cm")
def search_codes(caller: AnyUser, q: Annotated[str, Query(min_length=1, max_length=200)], on: OnDate = None,
                 limit: Annotated[int, Query(ge=1, le=100)] = 10) -> dict[str, Any]:
    """ICD-10-CM codes whose title, inclusion terms or index entries hold every word of ``q``."""
    return {"items": plain(search(caller.engine, q, on=on, limit=limit))}


RELEASE_TTL = 5.0  # seconds: a release loaded while the server runs is in use within this time
BUILD_AFTER = 20  # store answers for one release before its snapshot is built
RENDERED_KEPT = 10_000  # code answers kept as JSON (a few KB each)


class SharedCodeSets:
    """ICD-10-CM lookups for every request of one application, from snapshots built once and shared.

    Why: the store answers a lookup in about 10 ms; a snapshot (the whole release in memory, about two
    seconds to build) answers in microseconds. A release's snapshot is built in one background thread
    after ``build_after`` store answers for it (or at once by :meth:`warm`), so a request never waits for
    a build and a process that looks up a few codes never pays for one. Which release is in force on a
    date is remembered for ``release_ttl`` seconds: a release loaded into the store while the server runs
    is used within that time (snapshots are kept by release, so the old one is never given for it).
    Snapshots are read only once built, which is what makes sharing them across threads safe.
    """

    def __init__(self, engine: Engine, *, release_ttl: float = RELEASE_TTL, build_after: int = BUILD_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.code_sets = CodeSets(engine)
        self.release_ttl, self.build_after, self._clock = release_ttl, build_after, clock
        self._in_force: dict[date, tuple[float, int, ReleaseRef]] = {}
        self._asked: dict[int, int] = {}
        self._builders: dict[int, threading.Thread] = {}
        self._rendered: dict[tuple[ReleaseRef, str], bytes] = {}
        self._lock = threading.Lock()

    def from_memory(self, code: str, on: date) -> CodeDetail | None:
        """The detail of ``code`` on ``on`` if memory alone can tell (no I/O: safe on the event loop);
        None sends the caller to :meth:`from_store`."""
        known = self._in_force.get(on)
        if known is None or self._clock() >= known[0]:
            return None
        snapshot = self.code_sets.built_snapshot(known[1])
        if snapshot is None:
            return None
        return snapshot.lookup(code) or snapshot.lookup(icd10cm(code))

    def from_store(self, code: str, on: date) -> CodeDetail:
        """The detail of ``code`` on ``on``, asking the store (blocking: run it in a worker thread).

        Raises:
            NoReleaseInForce, CodeNotInForce, UnknownCode: as :meth:`CodeSets.lookup`.
        """
        release_id, ref = self._release(on)
        snapshot = self.code_sets.built_snapshot(release_id)
        if snapshot is not None:
            return self.code_sets.lookup_in(snapshot, code)  # a miss: the store says why the code is missing
        with self._lock:
            self._asked[release_id] = asked = self._asked.get(release_id, 0) + 1
        if asked >= self.build_after:
            self.warm(release_id, ref)
        return self.code_sets.lookup(code, on=on)

    def rendered(self, detail: CodeDetail) -> bytes:
        """The JSON of ``detail``, rendered once per release and code: turning a detail with its notes
        into JSON costs about half a millisecond, more than the rest of a lookup from memory."""
        key = (detail.release, detail.code)
        body = self._rendered.get(key)
        if body is None:
            if len(self._rendered) >= RENDERED_KEPT:  # bounded memory (a few KB each); refills are cheap
                self._rendered.clear()
            body = self._rendered[key] = bytes(JSONResponse(plain(detail)).body)
        return body

    def warm(self, release_id: int, ref: ReleaseRef) -> threading.Thread:
        """Start building the snapshot of ``release_id`` in the background (once); the thread building it."""
        with self._lock:
            builder = self._builders.get(release_id)
            if builder is None or (not builder.is_alive() and self.code_sets.built_snapshot(release_id) is None):
                builder = self._builders[release_id] = threading.Thread(
                    target=self._build, args=(release_id, ref), name=f"snapshot {ref.version}", daemon=True)
                builder.start()
        return builder

    def warm_on(self, on: date) -> threading.Thread:
        """Start building the snapshot of the release in force on ``on`` (e.g. today, at startup)."""
        return self.warm(*self._release(on))

    def _release(self, on: date) -> tuple[int, ReleaseRef]:
        with self.code_sets.engine.connect() as conn:
            release_id, ref = require_release(conn, ICD10CM, on)
        if len(self._in_force) > 1000:  # dates asked about are few; a flood of odd ones must not grow it
            self._in_force.clear()
        self._in_force[on] = (self._clock() + self.release_ttl, release_id, ref)
        return release_id, ref

    def _build(self, release_id: int, ref: ReleaseRef) -> None:
        try:
            self.code_sets.snapshot_of(release_id, ref)
        except Exception:  # the store keeps answering; a later request starts a new build
            log.exception("building the ICD-10-CM snapshot of release %s (%s) failed", release_id, ref.version)
            return
        # Half a million long-lived objects make each full garbage collection a pause of about 0.2 s
        # in whatever request triggers it; frozen, the collector no longer walks them. Snapshots are kept
        # for the life of the process anyway, so freezing them holds nothing that would have been freed.
        gc.collect()
        gc.freeze()


@router.get("/codes/icd10cm/{code}", response_model=dict[str, Any])
async def lookup_code(caller: AnyUser, request: Request, code: Annotated[str, Path(max_length=10)],
                      on: OnDate = None) -> Response:
    """One ICD-10-CM code on a date: title, billable, notes, excludes, seventh character."""
    lookups: SharedCodeSets = request.app.state.code_sets
    day = on or date.today()
    # Async on purpose: from a built snapshot the answer needs no I/O, so no worker thread is taken.
    detail = lookups.from_memory(code, day)
    if detail is None:
        detail = await run_in_threadpool(lookups.from_store, code, day)
    return Response(lookups.rendered(detail), media_type="application/json")


class NoteToCode(BaseModel):
    """A clinical note to code."""

    text: str = Field(min_length=1, max_length=1_000_000, description="The note, as plain text.")
    setting: Setting = Setting.OUTPATIENT
    on: date | None = Field(default=None, description="Date of service (default today).")


def _coder(request: Request, caller: Caller) -> Coder:
    coder: Coder | None = getattr(request.app.state, "coder", None)
    if coder is None:  # one per application: it keeps each release's snapshot in memory
        coder = request.app.state.coder = Coder(caller.engine)
    return coder


@router.post("/coding/suggestions")
def suggest_codes(caller: Coding, note: NoteToCode, request: Request) -> dict[str, Any]:
    """Suggested ICD-10-CM / HCPCS codes with the words of the note behind each, queries and E/M level."""
    result = _coder(request, caller).suggest(note.text, setting=note.setting, on=note.on)
    return plain(result.to_json())  # type: ignore[no-any-return]
