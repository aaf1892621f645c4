"""Spreadsheet formula-injection defence for CSV exports (OWASP CSV Injection, CWE-1236).

A text cell that a spreadsheet would run as a formula gets a leading apostrophe: cells
starting with ``=``, ``+``, ``-``, ``@``, TAB or CR, and their full-width forms
(＝＋－＠), which some Chinese-locale spreadsheets also evaluate. Numbers are never
touched, so ``-5000`` in an amount column stays a number (users-and-integrity.md §B3).
"""

from __future__ import annotations

from typing import Any

TRIGGERS = frozenset("=+-@\t\r＝＋－＠")


def neutralize(value: Any) -> Any:
    """Make one cell safe; non-strings are returned unchanged."""
    if isinstance(value, str) and value and (value[0] in TRIGGERS or value.lstrip(" \u3000")[:1] in TRIGGERS):
        return "'" + value
    return value
