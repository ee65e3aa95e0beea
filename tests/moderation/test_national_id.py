"""The national ID's format and check digit (統一編號), as the household registry defines them."""

import pytest

from moderation.national_id import check_digit_for, is_valid_national_id


@pytest.mark.parametrize("valid", ["A123456789", "F131104093", "a123456789", " A123456789 "])
def test_a_well_formed_id_with_its_check_digit_is_valid(valid):
    assert is_valid_national_id(valid)


@pytest.mark.parametrize(
    "invalid",
    ["A123456788", "A323456789", "1123456789", "A12345678", "A1234567890", "", "AB23456789"],
)
def test_a_wrong_check_digit_sex_digit_or_length_is_refused(invalid):
    assert not is_valid_national_id(invalid)


def test_every_first_nine_characters_have_exactly_one_check_digit():
    for first in ("A12345678", "Z29999999", "I10000000", "O20000000"):
        digit = check_digit_for(first)
        assert [d for d in "0123456789" if is_valid_national_id(first + d)] == [digit]
