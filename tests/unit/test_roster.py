"""Reading a roster file: encodings and the ROC calendar (moderation.roster, no database)."""

import codecs
from datetime import date

import pytest

from moderation.roster import decode, parse_date, read_roster

TEXT = "callsign,name\n7375,王大明\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("big5"), "cp950"),
        (TEXT.encode("cp950"), "cp950"),
    ],
)
def test_auto_reads_utf8_with_or_without_bom_and_big5(data, encoding):
    assert decode(data, "auto") == (TEXT, encoding)


@pytest.mark.parametrize(
    "value",
    ["105/04/01", "105.4.1", "105-04-01", "民國105年4月1日", "1050401", "2016-04-01", "2016/4/1"],
)
def test_roc_and_western_dates_mean_the_same_day(value):
    assert parse_date(value) == date(2016, 4, 1)


def test_a_file_that_is_not_the_encoding_asked_names_its_line():
    data = ("callsign,name\n7375,王大明\n").encode("big5")
    roster = read_roster(data, "utf-8")
    assert roster.rows == [] and roster.problems[0].line == 2
    assert "--encoding big5" in roster.problems[0].message_en
