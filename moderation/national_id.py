"""Taiwanese national ID numbers (統一編號): format and check digit."""

import re

#: Letter values of the first character (the household-registration area code).
LETTER_VALUES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34,
    "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25,
    "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip
#: Citizens have 1 or 2 (sex) as the second character; 8 and 9 are the new-format resident
#: certificates, which the check digit treats the same way.
_FORMAT = re.compile(r"^[A-Z][1289][0-9]{8}$")
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 1)


def normalise_national_id(raw: str) -> str:
    return raw.strip().upper()


def is_valid_national_id(raw: str) -> bool:
    value = normalise_national_id(raw)
    if not _FORMAT.match(value):
        return False
    letter = LETTER_VALUES[value[0]]
    total = letter // 10 + (letter % 10) * 9
    total += sum(int(d) * w for d, w in zip(value[1:9], _WEIGHTS, strict=True))
    total += int(value[9])
    return total % 10 == 0


def check_digit_for(first_nine: str) -> str:
    """The last digit that makes `first_nine` a valid ID (used by the demo and tests)."""
    for digit in "0123456789":
        if is_valid_national_id(first_nine + digit):
            return digit
    raise ValueError(f"no check digit fits {first_nine!r}")
