"""tenderlens: an evidence-linked, searchable dataset of government surveillance purchases."""

__version__ = "0.1.0"
