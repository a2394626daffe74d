"""medbill: the work of a medical billing and coding specialist, end to end.

The package is laid out along the path a claim takes (see ARCHITECTURE.md): ``codesets`` answers
"is this code valid, billable, with which notes, on this date"; later stages build on it.
"""

__version__ = "0.1.0"
