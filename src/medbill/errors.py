"""The one exception tree of medbill.

Findings (problems in input that do not stop the work) are data; exceptions are only for stopping.
Every message names the input (file and line/element, control number or code) and says what to do::

    MedbillError
    ├── FileProblem                 (base of the file errors below: names the file and the place)
    │   ├── NoteError               a clinical note that is empty, binary, not UTF-8 or over 1 MiB (coding)
    │   └── EvaluationSetError, PracticeExamError   a broken annotated set or practice file (coding)
    ├── ConfigError                 a setting is wrong (database URL, refdata folder, payer rule file)
    ├── StoreError                  the database cannot be used (not migrated, unreachable)
    ├── ClaimError                  a claim, encounter or line that cannot exist as given
    │   └── ClaimStateError         a lifecycle move that is not allowed
    ├── PostingError                an 835 that cannot be posted at all (medbill.remit.posting)
    ├── DenialError, PatientAccountError, SandboxError, RemittanceError, EmLevelError
    │                               (in their packages) a denial, account entry, sandbox set-up, posted
    │                               remittance request or E/M category that cannot be used as given
    ├── SecurityError               (medbill.security.errors) PasswordPolicyError, AuthenticationFailed,
    │                               AccessDenied, CsrfError: refused without saying more than needed
    ├── X12Error                    an X12 file that cannot be read at all (names file and place)
    │   └── EnvelopeError           no ISA, or an ISA whose delimiters cannot be found
    └── CodeSetError
        ├── CodeSetFileError        an official file is unreadable, truncated or not the layout claimed
        │   └── ReleaseMismatch     the file is of another release (year) than the one claimed
        ├── ReleaseConflict         a different file was already loaded as the same release
        ├── NoReleaseInForce        no loaded release covers the date asked about
        ├── CodeNotInForce          a known code that is not valid on the date (says when it is)
        └── UnknownCode             a code not in any loaded release (carries nearest matches)
"""

from __future__ import annotations

from collections.abc import Sequence


class MedbillError(Exception):
    """Root of every error medbill raises on purpose."""


class ConfigError(MedbillError):
    """A setting is missing or wrong."""


class StoreError(MedbillError):
    """The database cannot be used as asked."""


class CodeSetError(MedbillError):
    """A code-set question or load could not be answered."""


class FileProblem(MedbillError):
    """A file medbill cannot use as written, with the place inside it.

    Args:
        file: the file's path or name.
        problem: what is wrong, in words a user can act on.
        where: line number, element path, rule or table inside the file, when known.
    """

    def __init__(self, file: str, problem: str, where: str | None = None) -> None:
        self.file = file
        self.problem = problem
        self.where = where
        place = f"{file}, {where}" if where else file
        super().__init__(f"{place}: {problem}")


class CodeSetFileError(FileProblem, CodeSetError):
    """An official code-set file is unreadable or not in the layout claimed."""


class ReleaseMismatch(CodeSetFileError):
    """The file belongs to another release than the one it was loaded as."""


class ReleaseConflict(CodeSetError):
    """A different file was already loaded under the same code system and version."""


class NoReleaseInForce(CodeSetError):
    """No loaded release of a code system covers the date of service asked about."""


class UnknownCode(CodeSetError):
    """A code that no loaded release knows.

    Args:
        code: the code as asked.
        code_system: e.g. "ICD-10-CM".
        nearest: the closest known codes, best first, to suggest to the user.
    """

    def __init__(self, code: str, code_system: str, nearest: Sequence[str] = ()) -> None:
        self.code = code
        self.code_system = code_system
        self.nearest = list(nearest)
        hint = f"; nearest: {', '.join(self.nearest)}" if self.nearest else ""
        super().__init__(f"{code_system} code {code!r} is not in any loaded release{hint}")


class CodeNotInForce(CodeSetError):
    """A known code that is not valid on the date asked about; ``periods`` says when it is."""

    def __init__(self, code: str, code_system: str, on: object, periods: Sequence[str]) -> None:
        self.code = code
        self.code_system = code_system
        self.on = on
        self.periods = list(periods)
        super().__init__(f"{code_system} code {code} is not valid on {on}; it is valid "
                         + "; ".join(self.periods))


class ClaimError(MedbillError):
    """A claim, encounter or service line that cannot exist as given (names which and why)."""


class ClaimStateError(ClaimError):
    """A claim asked to move where its lifecycle does not allow (e.g. paid → draft)."""


class X12Error(MedbillError):
    """An X12 file that cannot be read at all (problems inside a readable file are findings, not errors).

    Args:
        source: the file's path or name ("<bytes>" for data in memory).
        problem: what is wrong, in words a user can act on.
        where: the place: byte offset, segment number and id, element.
        standard_code: the X12 acknowledgment code for the problem, e.g. "TA1:026", when one exists.
    """

    def __init__(self, source: str, problem: str, where: str | None = None,
                 standard_code: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.where = where
        self.standard_code = standard_code
        place = f"{source}, {where}" if where else source
        super().__init__(f"{place}: {problem}")


class EnvelopeError(X12Error):
    """The interchange envelope is unreadable: no ISA, or an ISA whose delimiters cannot be found."""
