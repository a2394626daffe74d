"""The web application (server-rendered pages): see :func:`create_web_app`."""

from medbill.web.app import create_web_app

__all__ = ["create_web_app"]
