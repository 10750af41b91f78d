"""Cells of the spreadsheets we write (CSV and XLSX): text someone typed never becomes a live
formula, and characters an XLSX file cannot hold (control characters such as the vertical tab
Word's Shift+Enter types) are dropped rather than failing the whole export."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What Excel and LibreOffice read as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def cell(value: Any) -> Any:
    """``value`` as a cell: text that would start a formula gets a leading apostrophe (a plain
    number such as -5 stays as it is), with the characters XLSX cannot hold removed."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def row(values: list[Any]) -> list[Any]:
    return [cell(value) for value in values]
