"""Exports in the field's own standards: OCDS releases and records (ocds), FollowTheMoney entities (ftm).

Both are built from notices (notices.Notice: a stored document's record and facts).
"""
