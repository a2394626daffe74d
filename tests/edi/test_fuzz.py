"""Fuzz: mutated and truncated samples give findings or a medbill error naming the place, nothing else.

Every sample X12 file (valid and invalid) is mutated (byte flips, random bytes, deletions, duplications,
truncation, delimiter swaps, whole segments dropped, repeated or moved, elements emptied or made huge)
and fed to

* the segment and envelope reader (:func:`medbill.edi.read_x12`, every set and segment iterated),
* the validator (:func:`medbill.edi.validate.validate`) and
* the domain readers (``read_835``; ``read_837p`` once it exists), each remittance's balance checked,

when importable (a part that is missing is skipped and says so). Allowed outcomes: results whose findings
carry a message and a place, or a :class:`medbill.errors.MedbillError` (an :class:`X12Error` must name
the file and the place). Anything else, or an input that takes longer than ``TIME_LIMIT`` seconds, fails.

The test's size comes from a hypothesis settings profile: ``MEDBILL_FUZZ_PROFILE=fuzz-quick`` (default,
400 inputs per test) or ``fuzz-long`` (5,000). ``benchmarks/fuzz_x12.py`` reuses :func:`mutate` and
:func:`feed` for a longer campaign, ``benchmarks/fuzz_atheris.py`` feeds :func:`feed` from atheris.
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill.edi import read_x12
from medbill.errors import MedbillError, X12Error
from tests.edi import _oracle

NAME = "fuzz.x12"
TIME_LIMIT = 10  # seconds for one input through every reader: far above any sample's time, so a hang
SKIP_SUFFIXES = (".xml", ".csv", ".htm", ".html", ".json", ".md")

# The suite's profile is derandomized: the same 400 inputs on every machine, so CI is never red by luck;
# new inputs are the job of the campaigns (fuzz-long here, benchmarks/fuzz_x12.py, fuzz_atheris.py).
settings.register_profile("fuzz-quick", max_examples=400, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz-long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile(os.environ.get("MEDBILL_FUZZ_PROFILE", "fuzz-quick"))
TRIED: dict[str, int] = {}


# -- the inputs -------------------------------------------------------------------------------------

def sample_paths(base: Path) -> list[Path]:
    """Every X12 sample file under ``base`` (``samples/x12``), invalid ones included."""
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.endswith(SKIP_SUFFIXES)
                  and "expected" not in p.relative_to(base).parts)


@functools.lru_cache(maxsize=1)
def _corpus(base: str) -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in sample_paths(Path(base)))


def corpus() -> tuple[bytes, ...]:
    return _corpus(str(_oracle.sample_dir() / "x12"))


# One mutation is (kind, a, b, c): three unsigned ints that each kind reads modulo what it needs, so
# hypothesis shrinks towards early positions and short spans, and a plain random campaign can draw them.
KINDS = ("flip", "byte", "delete", "duplicate", "truncate", "insert", "delimiter", "segment_drop",
         "segment_repeat", "segment_move", "element_empty", "element_huge")
SPECIAL = (b"", b"~", b"*", b":", b"^", b"|", b"\r\n", b"\n", b"\x00", b"\xff", b"\xc3", b"ISA", b"GS*HC",
           b"ST*837*0001~", b"ST*835*0001~", b"SE*1*0001~", b"GE*1*1~", b"IEA*1*000000001~", b"HL*1**20*1~",
           b"CLM*X*", b"CLP*X*", b"SVC*HC:", b"LX*1~", b"HI*ABK:", b"NM1*", b"-1", b"9" * 20, b"1E999")
MAX_GROWTH = 2_000_000
INTERESTING = (0, 9, 10, 13, 32, 42, 43, 45, 46, 58, 94, 124, 126, 0x7F, 0x80, 0xC3, 0xFF,
               *b"ISAGSTEIHLCMPVX0123456789")


def _segments(data: bytes) -> list[bytes]:
    """The data cut after each ``~`` (the usual terminator; a mutated file may use others)."""
    parts = data.split(b"~")
    return [p + b"~" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def mutate(data: bytes, ops: Sequence[tuple[str, int, int, int]]) -> bytes:
    """Apply the mutations ``ops`` in order to ``data``."""
    out = bytearray(data)
    for kind, a, b, c in ops:
        n = len(out)
        if n == 0:
            out[:] = SPECIAL[a % len(SPECIAL)]
            continue
        at = a % n
        if kind == "flip":
            out[at] = INTERESTING[b % len(INTERESTING)]
        elif kind == "byte":
            out[at] = b % 256
        elif kind == "delete":
            del out[at:at + 1 + b % 64]
        elif kind == "duplicate":
            chunk = bytes(out[at:at + 1 + b % 256])
            where = c % (n + 1)
            out[where:where] = chunk
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = SPECIAL[b % len(SPECIAL)]
        elif kind == "delimiter":
            # Swap two delimiter-like bytes everywhere (or only inside the ISA when c is odd).
            x, y = b"~*:^|\n>"[b % 7], b"~*:^|\n>"[c % 7]
            end = min(n, 106) if c % 2 else n
            table = bytes.maketrans(bytes((x, y)), bytes((y, x)))
            out[:end] = bytes(out[:end]).translate(table)
        else:
            segs = _segments(bytes(out))
            i = a % len(segs)
            if kind == "segment_drop":
                del segs[i:i + 1 + b % 3]
            elif kind == "segment_repeat":  # at most ~2 MB more, so a slow input is a bug, not a big file
                segs[i:i] = segs[i:i + 1] * min(1 + b % 200, 1 + MAX_GROWTH // max(1, len(segs[i])))
            elif kind == "segment_move":
                seg = segs.pop(i)
                segs.insert(c % (len(segs) + 1), seg)
            else:
                elements = segs[i].split(b"*")
                j = b % len(elements)
                if kind == "element_empty":
                    elements[j] = b"~" if elements[j].endswith(b"~") else b""
                else:
                    elements[j] = (b"9" if c % 2 else b"A") * (100 + c % 5000) + \
                        (b"~" if elements[j].endswith(b"~") else b"")
                segs[i] = b"*".join(elements)
            out[:] = b"".join(segs)
    return bytes(out)


# -- the readers ------------------------------------------------------------------------------------

def _check_findings(findings: Any, who: str) -> int:
    count = 0
    for finding in findings:
        assert finding.message, f"{who}: a finding without a message: {finding!r}"
        assert str(finding.location), f"{who}: a finding without a place: {finding!r}"
        count += 1
    return count


def _reader(raw: bytes) -> int:
    reader = read_x12(raw, name=NAME)
    for ts in reader:
        for seg in ts:
            assert isinstance(seg.id, str)
    return _check_findings(reader.findings, "read_x12")


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(__import__(module, fromlist=[name]), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return None


def _validator(raw: bytes) -> int:
    validate = _optional("medbill.edi.validate", "validate")
    if validate is None:
        raise LookupError("medbill.edi.validate.validate")
    return _check_findings(validate(raw, name=NAME).findings, "validate")


def _remittances(raw: bytes) -> int:
    read_835 = _optional("medbill.edi.v5010.x221a1_835", "read_835")
    if read_835 is None:
        raise LookupError("medbill.edi.v5010.x221a1_835.read_835")
    found = 0
    for remittance in read_835(raw, name=NAME):
        found += _check_findings(remittance.findings, "read_835")
        remittance.balance_problems()
        for claim in remittance.claims:
            assert claim is not None
    return found


def _claims(raw: bytes) -> int:
    read_837p = _optional("medbill.edi.v5010.x222a1_837p", "read_837p")
    if read_837p is None:
        raise LookupError("medbill.edi.v5010.x222a1_837p.read_837p")
    reader = read_837p(raw, name=NAME)
    for claim in reader:
        for line in claim.encounter.lines:
            assert line is not None
    for bad in reader.rejected:
        where = bad.finding.message and str(bad.finding.location)
        assert where, f"read_837p: rejected without a place: {bad!r}"
    return _check_findings(reader.findings, "read_837p")


READERS: dict[str, Callable[[bytes], int]] = {"read_x12": _reader, "validate": _validator,
                                              "read_835": _remittances, "read_837p": _claims}


def available(smoke: bytes | None = None) -> dict[str, str | None]:
    """Each reader, and why it cannot run here (None when it can).

    With ``smoke`` (an unmutated sample), a reader that fails to import its own parts on it (a module
    still being written) counts as not available either.
    """
    out: dict[str, str | None] = {"read_x12": None}
    for name, (module, attr) in {"validate": ("medbill.edi.validate", "validate"),
                                 "read_835": ("medbill.edi.v5010.x221a1_835", "read_835"),
                                 "read_837p": ("medbill.edi.v5010.x222a1_837p", "read_837p")}.items():
        missing = _optional(module, attr) is None
        out[name] = f"{module}.{attr} is not importable (not written yet?)" if missing else None
        if out[name] is None and smoke is not None:
            try:
                READERS[name](smoke)
            except ImportError as exc:
                out[name] = f"{module}.{attr} cannot import its parts on a valid sample: {exc}"
            except MedbillError:
                pass
    return out


class Hang(Exception):
    """An input took longer than the time limit."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"over {TIME_LIMIT} s on one input")


def feed(raw: bytes, readers: Sequence[str] = tuple(READERS),
         time_limit: float = TIME_LIMIT) -> dict[str, str]:
    """Run ``raw`` through each reader; return what each did ("ok: N findings" or the medbill error).

    ``time_limit`` is per reader, by ``SIGALRM``; 0 turns it off (for a fuzzer with its own timeout).

    Raises:
        AssertionError: a finding without a message or place, or an X12Error without the file or place.
        Hang: the input took longer than ``time_limit`` seconds in one reader.
        Exception: anything else a reader raised (a crash: the reason this function exists).
    """
    outcome: dict[str, str] = {}
    for name in readers:
        previous = signal.signal(signal.SIGALRM, _alarm) if time_limit > 0 else None
        if time_limit > 0:
            signal.setitimer(signal.ITIMER_REAL, time_limit)
        try:
            outcome[name] = f"ok: {READERS[name](raw)} findings"
        except LookupError:
            outcome[name] = "missing"
        except X12Error as exc:
            assert exc.source == NAME, f"{name}: X12Error names {exc.source!r}, not the file: {exc}"
            assert exc.where, f"{name}: X12Error without a place: {exc}"
            outcome[name] = f"{type(exc).__name__}: {exc}"
        except MedbillError as exc:
            assert str(exc), f"{name}: {type(exc).__name__} without a message"
            outcome[name] = f"{type(exc).__name__}: {exc}"
        finally:
            if time_limit > 0:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
    return outcome


def random_ops(rng: Any, max_ops: int = 6) -> list[tuple[str, int, int, int]]:
    """Mutations drawn from ``rng`` (a :class:`random.Random`), for campaigns outside hypothesis."""
    return [(rng.choice(KINDS), rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(32))
            for _ in range(rng.randint(1, max_ops))]


# -- the tests --------------------------------------------------------------------------------------

OPS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
                         st.integers(0, 2**32 - 1)), min_size=1, max_size=6)


class Corpus(tuple[bytes, ...]):
    """The sample files' bytes (with a short repr, for hypothesis' failure reports)."""

    def __repr__(self) -> str:
        return f"<{len(self)} X12 sample files>"


@pytest.fixture(scope="module")
def files(samples: Path) -> Corpus:
    found = Corpus(_corpus(str(samples / "x12")))
    assert len(found) >= 20, f"expected the X12 samples under {samples / 'x12'}"
    return found


def _run(readers: Sequence[str], files: tuple[bytes, ...], index: int, ops: list[Any]) -> None:
    raw = mutate(files[index % len(files)], ops)
    for name in readers:
        TRIED[name] = TRIED.get(name, 0) + 1
    feed(raw, readers)


@PROFILE
@given(index=st.integers(0, 10_000), ops=OPS)
def test_mutated_samples_give_the_reader_findings_or_a_placed_error(files: tuple[bytes, ...], index: int,
                                                                   ops: list[Any]) -> None:
    _run(("read_x12",), files, index, ops)


@PROFILE
@given(index=st.integers(0, 10_000), ops=OPS)
def test_mutated_samples_give_the_validator_findings_or_a_placed_error(files: tuple[bytes, ...], index: int,
                                                                      ops: list[Any]) -> None:
    why = available(files[0])["validate"]
    if why:
        pytest.skip(why)
    _run(("validate",), files, index, ops)


@pytest.mark.parametrize("reader", ["read_835", "read_837p"])
def test_mutated_samples_give_domain_readers_findings_or_a_placed_error(files: tuple[bytes, ...],
                                                                       reader: str) -> None:
    why = available(files[0])[reader]
    if why:
        pytest.skip(why)

    @PROFILE
    @given(index=st.integers(0, 10_000), ops=OPS)
    def check(index: int, ops: list[Any]) -> None:
        _run((reader,), files, index, ops)

    check()


def test_truncation_at_every_segment_of_a_sample_is_handled(files: tuple[bytes, ...]) -> None:
    """Cut one 837P and one 835 sample at each of their first 120 bytes (inside the ISA) and after every
    segment terminator: each cut gives findings (a truncated file) or a placed error, never a crash."""
    names = available(files[0])
    readers = [n for n, why in names.items() if why is None]
    chosen = [next(f for f in files if marker in f[:400]) for marker in (b"ST*837*", b"ST*835*")]
    for raw in chosen:
        cuts: Iterator[int] = iter([*range(120), *(i for i, b in enumerate(raw) if b == ord("~"))])
        for cut in cuts:
            feed(raw[:cut], readers)
            TRIED["truncations"] = TRIED.get("truncations", 0) + 1


def _small_837p(sv1: str) -> bytes:
    """A one-claim, one-line 837P around the SV1 given (for inputs the fuzzers found)."""
    segs = [("ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*"
             "000000001*0*P*:"), "GS*HC*A*B*20240101*1200*1*X*005010X222A1", "ST*837*0001*005010X222A1",
            "BHT*0019*00*1*20240101*1200*CH", "NM1*41*2*S*****46*1", "PER*IC*A*TE*5555550100",
            "NM1*40*2*R*****46*2", "HL*1**20*1", "NM1*85*2*C*****XX*1234567893", "N3*1 MAIN ST",
            "N4*ANYTOWN*NY*100010001", "REF*EI*123456789", "HL*2*1*22*0", "SBR*P*18*******CI",
            "NM1*IL*1*DOE*JO****MI*M1", "N3*1 ELM ST", "N4*ANYTOWN*NY*100010001", "DMG*D8*19800101*F",
            "NM1*PR*2*P*****PI*P1", "CLM*C1*100***11:B:1*Y*A*Y*Y", "HI*ABK:E119", "LX*1", sv1,
            "DTP*472*D8*20240101"]
    segs.append(f"SE*{len(segs) - 1}*0001")
    return ("~".join([*segs, "GE*1*1", "IEA*1*000000001"]) + "~").encode()


# Inputs the fuzzers found (benchmarks/fuzz_x12.py), minimized: each once crashed a reader.
FOUND = [
    pytest.param("read_837p", _small_837p("SV1*HC:99213*" + "9" * 28 + "*UN*1***1"),
                 id="837p-charge-of-28-digits"),  # Decimal.quantize InvalidOperation in ServiceLine
    pytest.param("validate", _small_837p("SV1*HC:99213*100*UN*1***" + "9" * 4301),
                 id="837p-pointer-of-4301-digits"),  # int() over Python's 4,300-digit limit
]


@pytest.mark.parametrize(("reader", "raw"), FOUND)
def test_inputs_found_by_fuzzing_give_findings_or_a_placed_error(files: Corpus, reader: str,
                                                                 raw: bytes) -> None:
    why = available(files[0])[reader]
    if why:
        pytest.skip(why)
    assert feed(raw, [reader])[reader]


def test_mutate_changes_the_input_and_is_deterministic() -> None:
    """The mutators do what they say (so the fuzz tests cannot pass by feeding the samples unchanged)."""
    raw = (b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*"
           b"000000001*0*P*:~GS*HC~ST*837*0001~SE*2*0001~")
    assert mutate(raw, [("truncate", 10, 0, 0)]) == raw[:10]
    assert mutate(raw, [("segment_drop", 1, 0, 0)]) == raw.replace(b"GS*HC~", b"")
    swapped = mutate(raw, [("delimiter", 0, 0, 1)])  # ~ and * swapped inside the ISA only
    assert swapped[3:4] == b"~" and swapped[105:106] == b"*" and swapped[106:] == raw[106:]
    assert mutate(raw, [("segment_repeat", 2, 2, 0)]).count(b"ST*837*0001~") == 4
    for kind in KINDS:
        assert mutate(raw, [(kind, 7, 11, 13)]) == mutate(raw, [(kind, 7, 11, 13)])
    assert sum(mutate(raw, [(kind, 7, 11, 13)]) != raw for kind in KINDS) >= len(KINDS) - 1


def test_feed_lets_a_crash_through() -> None:
    """A non-medbill exception is not swallowed by feed (the contract every fuzz test relies on)."""
    READERS["boom"] = lambda raw: 1 // len(raw[:0])
    try:
        with pytest.raises(ZeroDivisionError):
            feed(b"ISA", ["boom"])
    finally:
        del READERS["boom"]


def test_zz_report_fuzz_counts() -> None:
    print(f"\nfuzz inputs tried: {TRIED}")
