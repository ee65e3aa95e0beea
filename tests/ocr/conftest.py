"""Fixtures for the OCR tests: a few generated documents, read once per session (OCR is slow).

The documents come from DEV seeds of tests/ocr/docgen.py (the benchmark reports on the
HELD_OUT ones): every upload variant, every register layout, several type faces and the
scenarios a register must not over-read (a step-parent, an inmate registered elsewhere).
They are few on purpose: tests/ocr must stay within a minute on a 2-core machine; the
benchmark is where many documents go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.ocr import (
    Declared,
    PrefillField,
    prefill_identity_document,
    prefill_relationship_document,
)
from tests.ocr.docgen import Case, declared_for, make_card_case, make_register_case

#: (seed, variant, type face) of the cards read.
CARDS = {
    "scan": (11, "scan", "serif"),
    "pdf": (12, "pdf", "uming"),
    "lowres": (13, "lowres", "cwming"),
    "photo": (14, "photo", "sans"),
}
#: name → (seed, variant, layout, type face, scenario) of the registers read.
REGISTERS = {
    "table": (26, "scan", "table", "light", "child"),
    "pairs": (28, "pdf", "pairs", "serif", "grandparent"),
    "blocks": (23, "photo", "blocks", "sans", "spouse"),
    "step_parent": (34, "scan", "blocks", "serif", "step_parent"),
    "elsewhere": (25, "lowres", "table", "cwming", "elsewhere_child"),
}


def prefill(case: Case, declared: Declared | None = None) -> dict[str, PrefillField]:
    fn = prefill_identity_document if case.kind == "card" else prefill_relationship_document
    fields = fn(case.sources, declared or declared_for(case))
    return {f.field: f for f in fields}


@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-docs")


@pytest.fixture(scope="session")
def card_cases(docs_dir: Path) -> dict[str, Case]:
    return {k: make_card_case(seed, v, docs_dir, font=f) for k, (seed, v, f) in CARDS.items()}


@pytest.fixture(scope="session")
def register_cases(docs_dir: Path) -> dict[str, Case]:
    return {
        k: make_register_case(seed, v, docs_dir, layout=lay, font=f, scenario=sc)
        for k, (seed, v, lay, f, sc) in REGISTERS.items()
    }


@pytest.fixture(scope="session")
def card_results(card_cases: dict[str, Case]) -> dict[str, dict[str, PrefillField]]:
    return {k: prefill(c) for k, c in card_cases.items()}


@pytest.fixture(scope="session")
def register_results(register_cases: dict[str, Case]) -> dict[str, dict[str, PrefillField]]:
    return {k: prefill(c) for k, c in register_cases.items()}
