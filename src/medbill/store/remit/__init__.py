"""Remittances in the store: 835 files posted to the stored claims, and the exceptions a poster works.

Posting a file is one transaction: its payments, claim and line postings, exceptions and the claims'
moves are stored together or not at all, and the same file posted twice changes nothing the second time.
"""

from medbill.store.remit.posting import (
    PostResult,
    RemittanceError,
    StoredException,
    list_exceptions,
    post_835,
    read_remittances,
    resolve_exception,
)

__all__ = ["PostResult", "RemittanceError", "StoredException", "list_exceptions", "post_835", "read_remittances",
           "resolve_exception"]
