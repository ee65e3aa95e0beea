"""Field verdicts on generated documents the reader was not shaped on (real tesseract).

Every upload variant of the ID card, every register layout, Ming and sans faces, red stamps,
remarks and members split over pages. The benchmark measures the shares (bench/README_ocr.md);
these check, document by document, that the verdict is the one a right reader gives.
"""

from __future__ import annotations

import pytest

from moderation.ocr import PrefillField, Status
from tests.ocr.conftest import CARDS
from tests.ocr.docgen import expected_for


def _report(fields: dict[str, PrefillField]) -> str:
    return "\n".join(
        f"{f.field}: {f.status} read={f.value!r} from {f.source_text!r}" for f in fields.values()
    )


@pytest.mark.slow
@pytest.mark.parametrize("variant", CARDS)
def test_card_fields_match_the_declaration(card_cases, card_results, variant: str) -> None:
    # Given the declared person's card, scanned, in a PDF, copied small or photographed
    got = card_results[variant]
    # Then name, ID number and birth date are each a match
    statuses = {k: f.status for k, f in got.items()}
    assert statuses == expected_for(card_cases[variant]), _report(got)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["table", "pairs", "blocks"])
def test_register_rows_and_relationship_match_in_each_layout(
    register_cases, register_results, name: str
) -> None:
    got = register_results[name]
    statuses = {k: f.status for k, f in got.items()}
    assert statuses == expected_for(register_cases[name]), _report(got)


@pytest.mark.slow
def test_a_step_parent_is_not_proved_a_parent(register_cases, register_results) -> None:
    # Given the head's 配偶 applying as the parent of the head's child, whose 母 column names
    # another woman
    got = register_results["step_parent"]
    # Then the applicant's own rows match, and the relationship is not found, with the reason
    assert got["national_id"].status == Status.MATCH, _report(got)
    assert got["relationship"].status == Status.NOT_FOUND, _report(got)
    assert "無法證明" in got["relationship"].source_text


@pytest.mark.slow
def test_an_inmate_registered_elsewhere_is_read_from_the_parents_column(register_results):
    # Given the applicant's own household; the inmate, her parent, lives elsewhere
    got = register_results["elsewhere"]
    # Then the relationship comes from her row's 父/母 column
    assert got["relationship"].status == Status.MATCH, _report(got)
    assert (got["relationship"].value, got["inmate_name"].status) == ("child", Status.MATCH)


@pytest.mark.slow
def test_matches_carry_the_ocr_text_and_a_confidence(card_results) -> None:
    for f in card_results["scan"].values():
        assert f.status == Status.MATCH
        assert 0 < f.confidence <= 1
        assert f.source_text
    iso = card_results["scan"]["birth_date"]
    assert iso.value == iso.expected and len(iso.value) == 10  # ISO date, not the ROC text
