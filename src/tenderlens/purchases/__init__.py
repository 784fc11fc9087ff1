"""Purchases: the documents of one procurement linked (link), folded into one record (build),
with red flags (flags)."""
