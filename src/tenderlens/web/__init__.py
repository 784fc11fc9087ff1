"""The local web app (`tenderlens serve`): search, facets, map, timeline, document view, exports."""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
