"""What changed between two releases of a code set: added, deleted and revised codes/titles.

The yearly update is a coder's and a biller's first job of October: deleted codes must stop being
used on claims from the effective date, and revised titles can change what a code covers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from medbill.codesets.release import ReleaseRef


@dataclass(frozen=True)
class TitleChange:
    code: str
    old_title: str
    new_title: str


@dataclass(frozen=True)
class ReleaseDiff:
    """The difference between ``old`` and ``new``; ``by_kind`` counts added/deleted/revised per kind."""

    old: ReleaseRef
    new: ReleaseRef
    added: list[tuple[str, str]] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)
    revised: list[TitleChange] = field(default_factory=list)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)


def diff_codes(old: ReleaseRef, old_codes: Mapping[str, tuple[str, str]], new: ReleaseRef,
               new_codes: Mapping[str, tuple[str, str]]) -> ReleaseDiff:
    """Compare two releases given as ``code -> (kind, title)``.

    Chapters and sections are left out: their labels are not codes a claim carries.
    """
    result = ReleaseDiff(old, new)

    def count(kind: str, what: str) -> None:
        result.by_kind.setdefault(kind, Counter())[what] += 1

    for code in sorted(new_codes.keys() - old_codes.keys()):
        kind, title = new_codes[code]
        result.added.append((code, title))
        count(kind, "added")
    for code in sorted(old_codes.keys() - new_codes.keys()):
        kind, title = old_codes[code]
        result.deleted.append((code, title))
        count(kind, "deleted")
    for code in sorted(old_codes.keys() & new_codes.keys()):
        if old_codes[code][1] != new_codes[code][1]:
            result.revised.append(TitleChange(code, old_codes[code][1], new_codes[code][1]))
            count(new_codes[code][0], "revised")
    return result
