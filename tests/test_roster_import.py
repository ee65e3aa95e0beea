"""`familybook inmates import` (API.md: Operations): a roster checked whole before anything
is written, Big5 and ROC dates read, a dry run, released inmates, and writes in short batches
that leave the API answering."""

import statistics
import threading
import time
from datetime import date

import pytest
from sqlalchemy import select

from familybook.cli import main
from moderation.roster import read_roster
from storage.models import AuditEntry, Inmate
from tests.support import flow
from tests.support.db import writing
from usecases.roster_import import apply_plan, plan_import
from usecases.sweeping import sweep

HEADER = "callsign,name,youngest_child_birth_date,restricted_until,restriction_reason\n"


def _inmates(rt) -> dict[str, Inmate]:
    with writing(rt) as session:
        return {i.callsign: i for i in session.scalars(select(Inmate))}


def _import(tmp_path, data: bytes, *options: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(data)
    main(["inmates", "import", "TTD", str(roster), *options])


def test_every_bad_line_is_reported_with_its_column_and_nothing_is_written(rt, tmp_path, capsys):
    main(["institution", "add", "TTD", "臺東戒治所"])
    bad = HEADER + "7375,王大明,105/04/01,,\n12,陳志強,,,\n7376,,2016-13-01,,\n7375,林,,,\n"
    with pytest.raises(SystemExit) as exit_:
        _import(tmp_path, bad.encode())
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    for said in ("line 3, callsign", "line 4, name", "line 4, youngest_child_birth_date",
                 "line 5, callsign: 呼號與第 2 行重複"):  # fmt: skip
        assert said in err, err
    assert _inmates(rt) == {}


def test_a_big5_roster_with_roc_dates_is_read_by_encoding_auto(rt, tmp_path, capsys):
    main(["institution", "add", "TTD", "臺東戒治所"])
    data = (HEADER + "7375,王大明,105/04/01,115.12.31,禁止接見通信\n").encode("cp950")
    _import(tmp_path, data)
    inmate = _inmates(rt)["7375"]
    assert inmate.name == "王大明" and inmate.restriction_reason == "禁止接見通信"
    assert str(inmate.youngest_child_birth_date) == "2016-04-01"
    assert str(inmate.restricted_until) == "2026-12-31"
    assert "cp950" in capsys.readouterr().out


def test_a_dry_run_prints_what_would_change_and_writes_nothing(rt, tmp_path, capsys):
    flow.institution(rt, "TTD")  # 7375, 7376, 7377, 7378 on record
    changed = HEADER + "7375,王大明,2016-04-01,,\n7376,陳志強,2010-01-01,,\n9999,新人,,,\n"
    _import(tmp_path, changed.encode(), "--dry-run")
    out = capsys.readouterr().out
    assert "added 1, updated 1, unchanged 1, removed 2" in out and "nothing written" in out
    assert "9999" not in _inmates(rt)


def test_mark_missing_released_marks_only_inmates_a_full_roster_leaves_out(rt, tmp_path, capsys):
    flow.institution(rt, "TTD")
    full = HEADER + "7375,王大明,2016-04-01,,\n7376,陳志強,2016-04-01,,\n"
    _import(tmp_path, full.encode(), "--mark-missing-released")
    inmates = _inmates(rt)
    assert {c for c, i in inmates.items() if i.released_at is not None} == {"7377", "7378"}
    assert "released 2" in capsys.readouterr().out
    # Listed again later: no longer released
    _import(tmp_path, (HEADER + "7377,林建國,2016-04-01,,\n").encode())
    assert _inmates(rt)["7377"].released_at is None


def test_a_released_inmates_service_ends_as_when_staff_end_it(client, rt, mail, tmp_path, capsys):
    # Given a family whose service for 7375 runs, and a full roster that no longer lists 7375
    flow.institution(rt, "TTD")
    fam, app_id = flow.served_family(client, mail, "fam@example.com")
    full = HEADER + "7376,陳志強,2016-04-01,,\n7377,林建國,2016-04-01,,\n7378,張家豪,2001-01-01,,\n"
    # When the operator asks first what the import would do
    _import(tmp_path, full.encode(), "--mark-missing-released", "--dry-run")
    # Then it says one inmate would be released and one service would end, and nothing changed
    out = capsys.readouterr().out
    assert "removed 1, released 1, services_ended 1" in out and "nothing written" in out
    view = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert view["status"] == "approved"
    # When the import runs
    _import(tmp_path, full.encode(), "--mark-missing-released")
    assert "released 1, services_ended 1" in capsys.readouterr().out
    # Then the service ended for the inmate's release, as if an administrator had ended it…
    view = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert (view["status"], view["end_reason"]) == ("ended", "released")
    # …the family is told (the sweeper sends what a command wrote to the outbox)…
    sweep(rt)
    content = mail.wait_for_subject(fam.email, "service ended").get_content()
    assert "收容人已出監（所）" in content and "7375 王○○" in content
    # …the audit log names the operator…
    with writing(rt) as session:
        ended = session.scalars(select(AuditEntry).where(AuditEntry.action == "end_service")).all()
    assert [(e.submission_id, e.actor.startswith("operator")) for e in ended] == [(app_id, True)]
    # …and a second import ends nothing more
    _import(tmp_path, full.encode(), "--mark-missing-released")
    assert "services_ended 0" in capsys.readouterr().out


def test_without_mark_missing_released_no_service_ends(client, rt, mail, tmp_path, capsys):
    flow.institution(rt, "TTD")
    fam, app_id = flow.served_family(client, mail, "fam@example.com")
    _import(tmp_path, (HEADER + "7376,陳志強,2016-04-01,,\n").encode())
    view = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert view["status"] == "approved"
    assert _inmates(rt)["7375"].released_at is None


def test_a_reviewer_is_answered_promptly_during_a_10000_line_import(client, rt):
    flow.institution(rt, "TTD")
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    lines = "".join(f"{100000 + n},姓名{n},2016-04-01,,\n" for n in range(10_000))
    plan = plan_import(rt, "TTD", read_roster((HEADER + lines).encode()))
    importing = threading.Thread(target=apply_plan, args=(rt, plan))
    waits: list[float] = []

    def answer() -> None:
        started = time.perf_counter()
        assert client.get("/review/v1/queue", headers=reviewer).status_code == 200
        waits.append(time.perf_counter() - started)

    for _ in range(3):
        answer()
    alone, waits = statistics.median(waits), []  # what an answer takes without the import
    importing.start()
    began = time.perf_counter()
    while importing.is_alive():
        answer()
    importing.join()
    took = time.perf_counter() - began
    assert len(_inmates(rt)) == 10_004
    # One transaction would hold SQLite's lock for the whole import: one answer, at its end;
    # so would batches taken back to back, SQLite's waiting writers polling. (PostgreSQL may
    # write all 10,000 rows in less time than three answers take: nothing to wait for.)
    # The import runs in the test's own process, its thread competing for the GIL, on a
    # shared machine: single answers can be slow, the typical one must not be.
    assert len(waits) >= 3 or took < 3 * alone, f"{len(waits)} answer(s) in {took:.2f} s"
    assert statistics.median(waits) < 0.5, waits


def test_rows_written_in_bulk_read_back_as_unchanged(rt, tmp_path, capsys):
    # Written by COPY on PostgreSQL, executemany on SQLite: every column must come back equal
    main(["institution", "add", "TTD", "臺東戒治所"])
    lines = "".join(f"{100000 + n},姓名{n},105/04/0{1 + n % 9},,\n" for n in range(1200))
    roster = HEADER + lines + "7375,王大明,,115.12.31,禁止接見通信\n"
    _import(tmp_path, roster.encode())
    assert "added 1201" in capsys.readouterr().out
    inmates = _inmates(rt)
    assert len(inmates) == 1201 and len({i.id for i in inmates.values()}) == 1201
    assert str(inmates["100010"].youngest_child_birth_date) == "2016-04-02"
    assert inmates["7375"].youngest_child_birth_date is None
    assert inmates["7375"].restriction_reason == "禁止接見通信"
    _import(tmp_path, roster.encode(), "--dry-run")
    assert "added 0, updated 0, unchanged 1201, removed 0" in capsys.readouterr().out


def test_rows_updated_and_released_in_bulk_read_back_as_written(rt, tmp_path, capsys):
    # UPDATE … FROM unnest(arrays) on PostgreSQL, executemany on SQLite, in several batches
    main(["institution", "add", "TTD", "臺東戒治所"])
    first = "".join(f"{100000 + n},姓名{n},105/04/01,,\n" for n in range(1200))
    _import(tmp_path, (HEADER + first).encode())
    before = {c: i.id for c, i in _inmates(rt).items()}
    # Every row changes, each column to a value and to empty; the last 200 leave the roster
    changed = "".join(
        f"{100000 + n},新姓名{n},{'' if n % 2 else '2010-01-02'},115/12/31,{'原因' * (n % 3)}\n"
        for n in range(1000)
    )
    plan = plan_import(rt, "TTD", read_roster((HEADER + changed).encode()))
    counts = apply_plan(rt, plan, mark_missing_released=True, batch_rows=300)
    assert (counts["updated"], counts["released"]) == (1000, 200)
    inmates = _inmates(rt)
    assert {c: i.id for c, i in inmates.items()} == before  # updated in place, not re-added
    for n in (0, 1, 2, 999):
        inmate = inmates[f"{100000 + n}"]
        assert inmate.name == f"新姓名{n}" and inmate.released_at is None
        assert inmate.youngest_child_birth_date == (None if n % 2 else date(2010, 1, 2))
        assert inmate.restricted_until == date(2026, 12, 31)
        assert inmate.restriction_reason == ("原因" * (n % 3) or None)
    assert all(inmates[f"{100000 + n}"].released_at is not None for n in range(1000, 1200))
    _import(tmp_path, (HEADER + changed).encode(), "--dry-run")
    assert "added 0, updated 0, unchanged 1000, removed 0" in capsys.readouterr().out
