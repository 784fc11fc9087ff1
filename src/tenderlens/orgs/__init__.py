"""Organisations: which party names are one buyer or vendor (resolve), from names (names),
what documents print about them (evidence) and what a person decided (merges)."""
