"""OCR lines built by hand, for the tests of what is made of them (no tesseract).

A row is written as its cells separated by spaces; `_` leaves a cell empty, so that a cell can
be put under a given column. Every cell starts at a multiple of TAB pixels, as a table's or a
form's columns do, with a gap of more than a character between cells.
"""

from __future__ import annotations

from moderation.ocr.text import Line, Word

TAB = 500
CHAR_W, LINE_H = 30, 40


def lines(*rows: str, conf: float = 90.0) -> list[Line]:
    out = []
    for n, row in enumerate(rows):
        words = [
            Word(cell, TAB * i, 60 * n, CHAR_W * len(cell), LINE_H, conf)
            for i, cell in enumerate(row.split())
            if cell != "_"
        ]
        out.append(Line(words))
    return out
