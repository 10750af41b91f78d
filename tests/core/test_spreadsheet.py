"""Spreadsheet cells: no live formula from anyone's text, nothing an XLSX cannot hold."""

from __future__ import annotations

import pytest

from survey.core.spreadsheet import cell


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://evil.example","点我")', '\'=HYPERLINK("http://evil.example","点我")'),
        ("+86 138", "'+86 138"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),  # a plain number stays one
        ("+3.5", "+3.5"),
        ("A\x0bB", "AB"),  # Word's Shift+Enter: XLSX cannot hold it
        ("\x0b=1", "'=1"),
        ("民企", "民企"),
        (4, 4),
        (None, None),
    ],
)
def test_cells(typed, written):
    assert cell(typed) == written
