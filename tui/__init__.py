"""Broadsheet's terminal app: renders the `annotations` core and maps keys to its functions.

Importing this package does not import textual, so `broadsheet export` starts fast.
"""
