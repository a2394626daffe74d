"""One module per edit family; each exports ``EDIT`` (see :mod:`medbill.scrub.catalog` for the order)."""
