"""An institution's roster file, read and checked before anything is written (issue 13).

Government spreadsheets export Big5/CP950 as often as UTF-8 (with or without a BOM), and write
dates in the Republic of China calendar (`105/04/01` is 2016-04-01). Every bad line is found
and reported with its line number, column and why, so an administrator fixes the file once.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

#: Columns of a roster, in the order `familybook` writes them; the first two are required.
COLUMNS = (
    "callsign",
    "name",
    "youngest_child_birth_date",
    "restricted_until",
    "restriction_reason",
)
REQUIRED = COLUMNS[:2]
ENCODINGS = ("auto", "utf-8", "big5", "cp950")
#: The ROC calendar's year 1 is 1911 CE.
ROC_OFFSET = 1911
NAME_MAX_CHARS = 50
REASON_MAX_CHARS = 200
_ROC = re.compile(r"^(?:民國)?\s*(\d{2,3})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?$")
_ISO = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")


@dataclass(frozen=True)
class RosterRow:
    line: int
    callsign: str
    name: str
    youngest_child_birth_date: date | None
    restricted_until: date | None
    restriction_reason: str | None


@dataclass(frozen=True)
class LineProblem:
    line: int
    column: str
    message: str
    message_en: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message} {self.message_en}"


@dataclass
class Roster:
    encoding: str
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """The file's text and the encoding it was read with. `auto`: a UTF-8 BOM or valid UTF-8
    is UTF-8; anything else is read as CP950 (Big5 as Windows writes it, a superset)."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
    if encoding == "auto":
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8"
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp950"
    text = data.decode(encoding)  # UnicodeDecodeError: the caller says which byte
    return text.removeprefix("\ufeff"), encoding


def parse_date(value: str) -> date:
    """`2016-04-01`, `2016/4/1`, or the ROC calendar: `105/04/01`, `105.4.1`, `105年4月1日`."""
    text = value.strip()
    if m := _ISO.match(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _ROC.match(text):
        return date(int(m[1]) + ROC_OFFSET, int(m[2]), int(m[3]))
    if text.isdigit() and len(text) == 7:  # 1050401
        return date(int(text[:3]) + ROC_OFFSET, int(text[3:5]), int(text[5:]))
    raise ValueError(text)


def read_roster(data: bytes, encoding: str = "auto") -> Roster:
    """Every row, or every problem: a roster with any problem must not be written at all."""
    try:
        text, used = decode(data, encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Roster(encoding, problems=[_problem(line, "(file)", *_undecodable(encoding))])
    roster = Roster(used)
    # csv.reader and column positions, not DictReader: a dict per line was a third of the
    # time of reading 100,000 lines (issue 13's benchmark), for nothing the checks need.
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        roster.problems.append(_problem(1, ",".join(missing), *_missing_columns(missing)))
        return roster
    where = [header.index(c) if c in header else None for c in COLUMNS]
    dates = _Dates(roster.problems)
    seen: dict[str, int] = {}
    for cells in reader:
        if not cells:  # a blank line, as DictReader skipped them
            continue
        line = reader.line_num
        before = len(roster.problems)
        values = [cells[i].strip() if i is not None and i < len(cells) else "" for i in where]
        parsed = _row(line, values, roster.problems, dates)
        if parsed.callsign in seen:
            roster.problems.append(_problem(line, "callsign", *_duplicate(seen[parsed.callsign])))
        seen.setdefault(parsed.callsign, line)
        if len(roster.problems) == before:
            roster.rows.append(parsed)
    return roster


def _row(line: int, values: list[str], problems: list[LineProblem], dates: "_Dates") -> RosterRow:
    """One line's cells, stripped, in the order of `COLUMNS` ("" where the file has none)."""
    callsign, name, born, restricted, reason = values
    if not (callsign.isdigit() and len(callsign) in (4, 6)):
        problems.append(
            _problem(line, "callsign", "呼號需為 4 或 6 位數字。", "A callsign has 4 or 6 digits.")
        )
    if not name or len(name) > NAME_MAX_CHARS:
        problems.append(
            _problem(line, "name", "姓名空白或過長。", "The name is empty or too long.")
        )
    if len(reason) > REASON_MAX_CHARS:
        problems.append(
            _problem(line, "restriction_reason", "原因過長。", "The reason is too long.")
        )
    return RosterRow(
        line,
        callsign,
        name,
        dates.cell(line, "youngest_child_birth_date", born) if born else None,
        dates.cell(line, "restricted_until", restricted) if restricted else None,
        reason or None,
    )


class _Dates:
    """Dates read once per distinct text: a roster repeats the same few thousand days."""

    def __init__(self, problems: list[LineProblem]) -> None:
        self.problems = problems
        self.known: dict[str, date] = {}

    def cell(self, line: int, column: str, value: str) -> date | None:
        day = self.known.get(value)
        if day is None:
            day = _date_cell(line, column, value, self.problems)
            if day is not None:
                self.known[value] = day
        return day


def _date_cell(line: int, column: str, value: str, problems: list[LineProblem]) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        problems.append(
            _problem(
                line,
                column,
                f"日期「{value}」無法辨識，請用 2016-04-01 或民國 105/04/01。",
                f"Date '{value}' not understood; write 2016-04-01 or ROC 105/04/01.",
            )
        )
        return None


def _problem(line: int, column: str, zh: str, en: str) -> LineProblem:
    return LineProblem(line, column, zh, en)


def _undecodable(encoding: str) -> tuple[str, str]:
    return (
        f"檔案無法以 {encoding} 讀取，請改用 --encoding big5 或 utf-8。",
        f"The file cannot be read as {encoding}; try --encoding big5 or utf-8.",
    )


def _missing_columns(missing: list[str]) -> tuple[str, str]:
    return (
        f"名冊缺少欄位：{'、'.join(missing)}",
        f"The roster lacks columns {', '.join(missing)}.",
    )


def _duplicate(first: int) -> tuple[str, str]:
    return (f"呼號與第 {first} 行重複。", f"The callsign repeats line {first}.")
