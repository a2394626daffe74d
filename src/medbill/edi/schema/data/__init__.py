"""medbill's own compact guide files (see :mod:`medbill.edi.schema.compact` for the format)."""
