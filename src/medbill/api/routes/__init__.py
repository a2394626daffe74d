"""One router per area of the revenue cycle; :mod:`medbill.api.app` mounts them under ``/api/v1``."""
