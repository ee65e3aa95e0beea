"""Reading a roster file: encodings, columns and the ROC calendar (moderation.roster), and the
ids its new inmates get; no database."""

import codecs
import uuid
from datetime import date

import pytest

from moderation.roster import decode, parse_date, read_roster
from storage.models import new_ids

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


def test_columns_are_found_by_name_in_any_order_and_blank_lines_are_skipped():
    data = (
        "name, callsign ,remark,restricted_until\n"
        "\n"
        "王大明,7375,x,105/04/01\n"
        "\n"
        " 陳志強 ,7376\n"
        "林,12,,\n"
    ).encode()
    roster = read_roster(data)
    assert [(r.line, r.callsign, r.name, r.restricted_until) for r in roster.rows] == [
        (3, "7375", "王大明", date(2016, 4, 1)),
        (5, "7376", "陳志強", None),
    ]
    assert [(p.line, p.column) for p in roster.problems] == [(6, "callsign")]


def test_a_bad_date_is_reported_on_every_line_that_has_it():
    # Dates are read once per distinct text: a bad one must still be reported on each line.
    lines = "".join(f"{7375 + n},王大明,105/13/01,105/04/01,\n" for n in range(3))
    roster = read_roster(
        ("callsign,name,youngest_child_birth_date,restricted_until\n" + lines).encode()
    )
    assert roster.rows == []
    assert [(p.line, p.column) for p in roster.problems] == [
        (n, "youngest_child_birth_date") for n in (2, 3, 4)
    ]


def test_many_new_ids_are_distinct_version_4_uuids():
    ids = new_ids(5000)
    assert len(set(ids)) == 5000
    for value in ids:
        parsed = uuid.UUID(value)
        assert (str(parsed), parsed.version, parsed.variant) == (value, 4, uuid.RFC_4122)
