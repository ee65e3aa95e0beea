"""Someone else's document with this account: never a `match` for name or ID number."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from moderation.ocr import Status
from tests.ocr.conftest import prefill
from tests.ocr.docgen import declared_for


@pytest.mark.slow
def test_another_persons_card_does_not_match(card_cases) -> None:
    # Given the scanned card of person A and the declaration of person B
    doc, other = card_cases["scan"], card_cases["photo"]
    # When the card is read against B
    got = prefill(doc, declared_for(other))
    # Then neither name nor ID number is a match; the valid ID on it is reported as mismatch
    assert got["name"].status != Status.MATCH
    assert got["national_id"].status == Status.MISMATCH
    assert got["national_id"].value == doc.truth.national_id


@pytest.mark.slow
def test_another_households_register_does_not_match(register_cases) -> None:
    doc, other = register_cases["table"], register_cases["pairs"]
    got = prefill(doc, declared_for(other))
    assert got["name"].status != Status.MATCH
    assert got["national_id"].status != Status.MATCH
    assert got["relationship"].status != Status.MATCH


@pytest.mark.slow
def test_wrong_declared_values_are_mismatches(card_cases, register_cases) -> None:
    # Given the right person but a wrong birth date, and a wrong relationship
    card = card_cases["scan"]
    got = prefill(card, replace(declared_for(card), birth_date=date(1999, 1, 2)))
    assert got["birth_date"].status == Status.MISMATCH
    assert got["birth_date"].value == card.truth.birth_date.isoformat()
    assert got["national_id"].status == Status.MATCH
    reg = register_cases["table"]
    got = prefill(reg, replace(declared_for(reg), relationship="spouse"))
    assert (got["relationship"].status, got["relationship"].value) == (Status.MISMATCH, "child")
