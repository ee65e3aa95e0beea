"""OCR pre-fill in the pipeline: the reviewer sees what the documents say next to the account.

These run the real OCR worker (tesseract included) on whichever backend the suite uses.
"""

import io
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from storage.models import Attempt, PrefillField, StoredFile, utcnow
from tests.conftest import broker_of
from tests.ocr import docgen
from tests.support import files, flow
from tests.support.db import writing
from usecases import ocr_prefill as ocr
from usecases.sweeping import sweep
from workers import actors


#: Tests that run real tesseract: slow, and the same on either backend (what OCR reads does not
#: depend on the database; its claims and tries, which do, are tested on both below).
def READS(test):
    return pytest.mark.slow(pytest.mark.backend_independent(test))


#: The account flow.family registers, and the roster's inmate 7375 (flow.institution).
APPLICANT, APPLICANT_BORN, INMATE = "王小明", date(1985, 2, 3), "王大明"


def _prefill(client, reviewer, app_id):
    def ready():
        item = client.get(f"/review/v1/items/{app_id}", headers=reviewer).json()
        return item if any(f["code"] == "ocr_summary" for f in item["flags"]) else None

    return flow.wait_for(ready, timeout=120, what="OCR pre-fill")


def _register_pdf(national_id: str, tmp: Path) -> bytes:
    """A scanned 戶籍謄本 (PDF) in which the applicant is the 長子 of the inmate, the 戶長."""
    rng = random.Random("worker-register")
    head = docgen.Person(
        INMATE, docgen.make_national_id(rng, 1), date(1958, 6, 1), 1, "戶長", "王金水", "林阿滿"
    )
    spouse = docgen.Person(
        "陳美玲", docgen.make_national_id(rng, 2), date(1960, 9, 12), 2, "配偶", "陳志強", "李秀英"
    )
    son = docgen.Person(APPLICANT, national_id, APPLICANT_BORN, 1, "長子", INMATE, "陳美玲")
    household = docgen.Household([head, spouse, son], son, head, "child")
    page = docgen.make_register(household, rng)
    return docgen.write_variant(page, "pdf", tmp / "register", rng, portrait=True).read_bytes()


def _apply_with_register(client, fam, tmp: Path, relationship: str = "child") -> str:
    card = files.id_card_jpeg(name=APPLICANT, national_id=fam.national_id, birth="民國74年2月3日")
    parts = [
        ("identity_documents", ("id.jpg", card, "image/jpeg")),
        (
            "relationship_documents",
            ("戶籍謄本.pdf", _register_pdf(fam.national_id, tmp), "application/pdf"),
        ),
    ]
    app_id = flow.apply(client, fam, relationship=relationship, files_=parts).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    return app_id


def _fields_of(item, category: str) -> dict[str, dict]:
    file_id = next(f["id"] for f in item["files"] if f["category"] == category)
    return {p["field"]: p for p in item["prefill"] if p["file_id"] == file_id}


def _attempt_id(rt, submission_id: str) -> str:
    with writing(rt) as session:
        return session.scalars(
            select(Attempt.id).where(Attempt.submission_id == submission_id)
        ).one()


def _rows(rt, attempt_id: str) -> list[PrefillField]:
    with writing(rt) as session:
        return list(
            session.scalars(select(PrefillField).where(PrefillField.attempt_id == attempt_id)).all()
        )


@READS
def test_id_card_fields_are_compared_with_the_account(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com", n=7)
    card = files.id_card_jpeg(name="王小明", national_id=fam.national_id, birth="民國74年2月3日")
    parts = [("identity_documents", ("id.jpg", card, "image/jpeg")), *flow.application_files()[1:]]
    app_id = flow.apply(client, fam, files_=parts).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    item = _prefill(client, reviewer, app_id)
    by_field = _fields_of(item, "identity_documents")
    assert by_field["national_id"]["status"] == "match"
    assert by_field["national_id"]["value"] == fam.national_id
    assert by_field["name"]["status"] == "match"
    assert by_field["birth_date"]["status"] == "match"
    queue_flags = client.get("/review/v1/queue", headers=reviewer).json()[0]["flags"]
    assert any(f["code"] == "ocr_summary" for f in queue_flags)


@READS
def test_household_register_gives_the_relationship_and_the_inmates_row(
    client, rt, mail, ocr_workers, tmp_path
):
    # Given an application as the inmate's son, with a register listing him as 長子 of the 戶長
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com", n=7)
    app_id = _apply_with_register(client, fam, tmp_path)
    # When the OCR worker has read it
    register = _fields_of(_prefill(client, reviewer, app_id), "relationship_documents")
    # Then the reviewer sees both rows found and the relationship derived from their titles
    assert (register["relationship"]["status"], register["relationship"]["value"]) == (
        "match",
        "child",
    )
    assert "長子" in register["relationship"]["source_text"].replace(" ", "")
    assert (register["inmate_name"]["status"], register["inmate_name"]["value"]) == (
        "match",
        INMATE,
    )
    assert {f: register[f]["status"] for f in ("name", "national_id", "birth_date")} == {
        "name": "match",
        "national_id": "match",
        "birth_date": "match",
    }


@READS
def test_a_wrong_declared_relationship_is_a_mismatch_on_the_register(
    client, rt, mail, ocr_workers, tmp_path
):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com", n=7)
    app_id = _apply_with_register(client, fam, tmp_path, relationship="spouse")
    register = _fields_of(_prefill(client, reviewer, app_id), "relationship_documents")
    assert (register["relationship"]["status"], register["relationship"]["value"]) == (
        "mismatch",
        "child",
    )
    assert register["inmate_name"]["status"] == "match"


@READS
def test_queue_summary_has_one_entry_per_field_in_chinese_and_english(
    client, rt, mail, ocr_workers, tmp_path
):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com", n=7)
    app_id = _apply_with_register(client, fam, tmp_path, relationship="spouse")
    item = _prefill(client, reviewer, app_id)
    summary = next(f for f in item["flags"] if f["code"] == "ocr_summary")
    assert summary["message"] == "身分證號 ✓、姓名 ✓、出生日期 ✓、關係 ✗、收容人姓名 ✓"
    assert summary["message_en"] == "ID no. ✓, name ✓, birth date ✓, relationship ✗, inmate ✓"


@READS
def test_someone_elses_card_is_not_a_match(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com", n=7)
    other = flow.national_id(8, letter="B", sex="1")
    card = files.id_card_jpeg(name="陳美玲", national_id=other, birth="民國60年7月9日")
    parts = [("identity_documents", ("id.jpg", card, "image/jpeg")), *flow.application_files()[1:]]
    app_id = flow.apply(client, fam, files_=parts).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    item = _prefill(client, reviewer, app_id)
    card_fields = _fields_of(item, "identity_documents")
    assert {f: card_fields[f]["status"] for f in ("name", "national_id")} == {
        "name": "mismatch",
        "national_id": "mismatch",
    }
    # OCR is an aid: the item is still waiting for a person
    assert item["status"] == "awaiting_review"


@READS
def test_a_try_killed_part_way_keeps_the_files_it_finished(client, rt, mail, tmp_path):
    # Given an application whose first OCR try saved the card's fields, then died
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com", n=7)
    attempt_id = _attempt_id(rt, _apply_with_register(client, fam, tmp_path))
    with writing(rt) as session:
        card = session.scalars(
            select(StoredFile.id).where(
                StoredFile.attempt_id == attempt_id, StoredFile.category == "identity_documents"
            )
        ).one()
        session.add(
            PrefillField(
                attempt_id=attempt_id,
                file_id=card,
                field="name",
                value=APPLICANT,
                expected=APPLICANT,
                status="match",
                confidence=0.9,
                source_text="read by the first try",
            )
        )
        session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(ocr_tries=1, ocr_started_at=utcnow() - timedelta(hours=1))
        )
    # When the next try runs
    ocr.run_ocr(rt, attempt_id)
    # Then it reads only the register; the card's fields are the first try's
    rows = _rows(rt, attempt_id)
    assert [r.source_text for r in rows if r.file_id == card] == ["read by the first try"]
    assert {r.field for r in rows if r.file_id != card} == {
        "name",
        "national_id",
        "birth_date",
        "relationship",
        "inmate_name",
    }


def test_a_spent_budget_leaves_explicit_not_found_fields(client, rt, mail, tmp_path, monkeypatch):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com", n=7)
    attempt_id = _attempt_id(rt, _apply_with_register(client, fam, tmp_path))
    monkeypatch.setattr(ocr, "OCR_BUDGET_S", 0.0)
    ocr.run_ocr(rt, attempt_id)
    rows = _rows(rt, attempt_id)
    assert sorted(r.field for r in rows) == sorted(
        [
            "name",
            "national_id",
            "birth_date",
            "name",
            "national_id",
            "birth_date",
            "relationship",
            "inmate_name",
        ]
    )
    assert {r.status for r in rows} == {"not_found"}


def _ocr_tries_used_up(client, rt, mail, tmp_path) -> str:
    """An application's attempt whose OCR was taken MAX_OCR_TRIES times, an hour ago."""
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com", n=7)
    attempt_id = _attempt_id(rt, _apply_with_register(client, fam, tmp_path))
    with writing(rt) as session:
        session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(ocr_tries=ocr.MAX_OCR_TRIES, ocr_started_at=utcnow() - timedelta(hours=1))
        )
    return attempt_id


def test_ocr_is_given_up_after_three_tries(client, rt, mail, tmp_path):
    # Given an attempt whose OCR was taken three times and never finished
    attempt_id = _ocr_tries_used_up(client, rt, mail, tmp_path)
    # When its OCR is woken once more
    ocr.run_ocr(rt, attempt_id)
    # Then no fourth try runs: the attempt is done, every field not found, and flagged
    with writing(rt) as session:
        attempt = session.get(Attempt, attempt_id)
        assert (attempt.ocr_tries, attempt.ocr_done_at is not None) == (ocr.MAX_OCR_TRIES, True)
        flags = {f["code"]: f for f in attempt.flags}
    assert len(_rows(rt, attempt_id)) == 8
    assert {r.status for r in _rows(rt, attempt_id)} == {"not_found"}
    assert flags["ocr_gave_up"]["message"].startswith("自動文字辨識（OCR）已試 3 次")
    assert flags["ocr_gave_up"]["message_en"].startswith("OCR gave up after 3 tries")
    assert "?" in flags["ocr_summary"]["message"]


def test_every_take_of_the_ocr_counts_a_try(client, rt, mail, tmp_path, monkeypatch):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com", n=7)
    attempt_id = _attempt_id(rt, _apply_with_register(client, fam, tmp_path))
    monkeypatch.setattr(ocr, "OCR_BUDGET_S", 0.0)  # the count is the point, not the reading
    ocr.run_ocr(rt, attempt_id)
    ocr.run_ocr(rt, attempt_id)  # a duplicate message: OCR is done, nothing is taken
    with writing(rt) as session:
        assert session.get(Attempt, attempt_id).ocr_tries == 1


def _sweep_ocr(rt):
    return sweep(rt, stuck_after=timedelta(0))


def test_a_posts_lost_ocr_wake_up_is_resent_by_the_sweeper(client, rt, mail):
    # Given a post waiting for review whose OCR message Redis lost
    flow.institution(rt)
    flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    post_id = flow.post(client, fam, app_id).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    broker_of(rt).flush("ocr")
    # When the sweeper runs, Then it wakes the post's OCR (the approved application's is not
    # waited for by anyone)
    assert _sweep_ocr(rt).resent_ocr == 1
    assert _sweep_ocr(rt).resent_ocr == 1  # until a worker has claimed it


def test_the_sweeper_stops_waking_ocr_once_it_is_given_up(client, rt, mail, tmp_path):
    attempt_id = _ocr_tries_used_up(client, rt, mail, tmp_path)
    assert _sweep_ocr(rt).resent_ocr == 1  # one last wake-up: the worker gives it up
    ocr.run_ocr(rt, attempt_id)
    assert _sweep_ocr(rt).resent_ocr == 0


def test_the_actor_time_limit_covers_the_whole_ocr_budget(rt) -> None:
    assert actors.OCR_TIME_LIMIT_MS >= 1000 * (ocr.OCR_BUDGET_S + 30)
    # A running OCR renews its claim before each document: one document's time is what the
    # claim must outlast, with room for loading its pages.
    assert ocr.claim_stale_after(rt).total_seconds() >= ocr.OCR_FILE_TIMEOUT_S + 30


@READS
def test_a_running_ocr_renews_its_claim_after_each_document(client, rt, mail, tmp_path):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com", n=7)
    attempt_id = _attempt_id(rt, _apply_with_register(client, fam, tmp_path))
    taken_long_ago = utcnow() - timedelta(hours=1)
    with writing(rt) as session:
        session.execute(
            update(Attempt).where(Attempt.id == attempt_id).values(ocr_started_at=taken_long_ago)
        )
    renewals = []

    def watch(*args, **kwargs):
        with writing(rt) as session:
            renewals.append(session.get(Attempt, attempt_id).ocr_started_at)
        return read(*args, **kwargs)

    read, ocr._read = ocr._read, watch
    try:
        ocr.run_ocr(rt, attempt_id)
    finally:
        ocr._read = read
    assert len(renewals) >= 2 and all(r > taken_long_ago for r in renewals)
    assert renewals == sorted(renewals) and renewals[-1] > renewals[0]


@READS
def test_writing_in_a_posted_photo_is_flagged_for_the_reviewer(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    note = files.document_image(["請打電話給我", "0912345678"], size=(1200, 900))
    photo = io.BytesIO()
    note.save(photo, "PNG")
    post_id = flow.post(client, fam, app_id, photo=photo.getvalue()).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})

    def flagged():
        flags = client.get(f"/review/v1/items/{post_id}", headers=reviewer).json()["flags"]
        return (
            {f["code"]: f for f in flags}
            if any(f["code"] == "photo_contains_text" for f in flags)
            else None
        )

    flags = flow.wait_for(flagged, timeout=60, what="photo text flag")
    assert "0912345678" in flags["photo_contains_text"]["message"].replace(" ", "")
    assert "contains_phone_number" in flags


@READS
def test_a_plain_photo_raises_no_text_flag(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    plain = io.BytesIO()
    Image.new("RGB", (900, 700), (90, 160, 90)).save(plain, "PNG")
    post_id = flow.post(client, fam, app_id, body="孩子很好。", photo=plain.getvalue()).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})

    def ocr_done():
        with writing(rt) as session:
            return session.query(Attempt).filter_by(submission_id=post_id).one().ocr_done_at

    flow.wait_for(ocr_done, timeout=60, what="photo OCR")
    flags = client.get(f"/review/v1/items/{post_id}", headers=reviewer).json()["flags"]
    assert flags == []
