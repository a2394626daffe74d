"""The REST API (FastAPI): ``create_app(engine)``; ``medbill serve`` runs it."""

from medbill.api.app import PREFIX, create_app

__all__ = ["PREFIX", "create_app"]
