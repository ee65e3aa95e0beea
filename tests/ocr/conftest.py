"""Fixtures for the OCR tests: generated documents, read once per session (OCR is slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.ocr import (
    Declared,
    OcrSource,
    PrefillField,
    prefill_identity_document,
    prefill_relationship_document,
)
from tests.ocr.docgen import VARIANTS, Case, declared_for, make_card_case, make_register_case

#: Documents per variant: few, because every one is a real tesseract run (~0.3-1.5 s).
CARDS_PER_VARIANT = 4
REGISTERS_PER_VARIANT = 3


def prefill(case: Case, declared: Declared | None = None) -> dict[str, PrefillField]:
    fn = prefill_identity_document if case.kind == "card" else prefill_relationship_document
    fields = fn([OcrSource(case.path)], declared or declared_for(case))
    return {f.field: f for f in fields}


@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-docs")


@pytest.fixture(scope="session")
def card_cases(docs_dir: Path) -> dict[str, list[Case]]:
    # Different seeds per variant: more distinct names, characters and dates overall.
    return {
        v: [make_card_case(100 * i + k, v, docs_dir) for k in range(CARDS_PER_VARIANT)]
        for i, v in enumerate(VARIANTS)
    }


@pytest.fixture(scope="session")
def register_cases(docs_dir: Path) -> dict[str, list[Case]]:
    # Seeds 0..5 cycle through the six relationships the generator can build.
    return {
        v: [
            make_register_case(REGISTERS_PER_VARIANT * i + k, v, docs_dir)
            for k in range(REGISTERS_PER_VARIANT)
        ]
        for i, v in enumerate(VARIANTS)
    }


@pytest.fixture(scope="session")
def card_results(card_cases: dict[str, list[Case]]) -> dict[str, list[dict[str, PrefillField]]]:
    return {v: [prefill(c) for c in cases] for v, cases in card_cases.items()}


@pytest.fixture(scope="session")
def register_results(
    register_cases: dict[str, list[Case]],
) -> dict[str, list[dict[str, PrefillField]]]:
    return {v: [prefill(c) for c in cases] for v, cases in register_cases.items()}
