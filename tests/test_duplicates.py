"""The same document in another family's submission (API.md 1.1 `duplicates`): the same bytes,
or the same ID card photographed again, which is how a borrowed card shows."""

import threading
import time

import pytest
from alembic import command
from sqlalchemy import delete, select

from storage.duplicates import remember_phash
from storage.migrate import alembic_config
from storage.models import Attempt, FileDuplicate, PhashBand, StoredFile, Submission
from tests.conftest import BACKEND
from tests.support import files, flow
from tests.support.db import writing


def _applied(client, mail, email, n, callsign, card: bytes, code="TTD") -> tuple[flow.Family, str]:
    fam = flow.family(client, mail, email, n=n)
    parts = flow.application_files()
    parts[0] = ("identity_documents", ("身分證.jpg", card, "image/jpeg"))
    r = flow.apply(client, fam, callsign=callsign, code=code, files_=parts)
    assert r.status_code == 202, r.text
    app_id = r.json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    return fam, app_id


def _card_duplicates(client, reviewer, item_id) -> list[dict]:
    body = client.get(f"/review/v1/items/{item_id}", headers=reviewer).json()
    card = next(f["id"] for f in body["files"] if f["category"] == "identity_documents")
    return [d for d in body["duplicates"] if d["file_id"] == card]


def test_a_rephotographed_id_card_of_another_family_is_found_and_an_unrelated_one_is_not(
    client, rt, mail
):
    # Given one family's ID card on file
    flow.institution(rt)
    flow.institution(rt, "HLD")
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD", "HLD"])
    card = files.id_card_with_portrait(seed=1)
    _, first = _applied(client, mail, "a@example.com", 1, "7375", card)
    # When another family sends the same card photographed again, and a third its own card
    _, borrowed = _applied(client, mail, "b@example.com", 2, "7376", files.rephotographed(card))
    own = files.id_card_with_portrait(seed=2, name="陳大文", national_id="B223456780")
    _, unrelated = _applied(client, mail, "c@example.com", 3, "7375", own, code="HLD")
    # Then the second family's item shows the first family's card as similar, the third none
    [found] = _card_duplicates(client, reviewer, borrowed)
    assert (found["item_id"], found["match"]) == (first, "similar")
    assert _card_duplicates(client, reviewer, unrelated) == []
    # …and the first family's item shows the borrower's copy the same way
    assert [d["item_id"] for d in _card_duplicates(client, reviewer, first)] == [borrowed]


def test_the_same_file_sent_by_another_family_is_an_exact_duplicate(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    card = files.id_card_with_portrait(seed=3)
    fam_a, first = _applied(client, mail, "a@example.com", 1, "7375", card)
    _, second = _applied(client, mail, "b@example.com", 2, "7376", card)
    [found] = _card_duplicates(client, reviewer, second)
    assert found["match"] == "exact" and found["item_id"] == first
    me = client.get("/api/v1/me", headers=fam_a.headers).json()
    assert found["account_id"] == me["id"]


def _card_file(rt, item_id: str) -> tuple[str, str, str]:
    """(file id, perceptual hash, account) of the item's ID card."""
    with rt.db.session() as session:
        submission = session.get(Submission, item_id)
        card = session.scalars(
            select(StoredFile)
            .join(Attempt, Attempt.id == StoredFile.attempt_id)
            .where(Attempt.submission_id == item_id, StoredFile.category == "identity_documents")
        ).one()
        return card.id, card.phash, submission.account_id


def _check_stores_hash(rt, file: tuple[str, str, str], *, then=lambda: None) -> None:
    file_id, phash, owner = file
    with rt.db.session() as session:
        remember_phash(session, session.get(StoredFile, file_id), phash, owner=owner)
        then()
        session.commit()


@pytest.mark.skipif(BACKEND != "production", reason="SQLite has one writer at a time anyway")
def test_two_families_copies_checked_at_the_same_moment_still_find_each_other(client, rt, mail):
    # Given two families' copies of one card, as before their checks stored any hash
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    card = files.id_card_with_portrait(seed=4)
    _, first = _applied(client, mail, "a@example.com", 1, "7375", card)
    _, second = _applied(client, mail, "b@example.com", 2, "7376", files.rephotographed(card))
    with writing(rt) as session:
        session.execute(delete(FileDuplicate))
        session.execute(delete(PhashBand))
    # When both checks store their hash at once, the first still uncommitted as the second
    # searches
    searched = threading.Event()
    one = threading.Thread(
        target=_check_stores_hash,
        args=(rt, _card_file(rt, first)),
        kwargs={"then": lambda: (searched.set(), time.sleep(0.5))},
    )
    one.start()
    assert searched.wait(30)
    _check_stores_hash(rt, _card_file(rt, second))
    one.join()
    # Then each item still lists the other
    assert [d["item_id"] for d in _card_duplicates(client, reviewer, second)] == [first]
    assert [d["item_id"] for d in _card_duplicates(client, reviewer, first)] == [second]


def test_the_migration_links_the_files_checked_before_it_as_the_checks_do(client, rt, mail):
    # Given a borrowed card, a copy sent twice, and an unrelated card, checked and linked
    flow.institution(rt)
    flow.institution(rt, "HLD")
    card = files.id_card_with_portrait(seed=5)
    _applied(client, mail, "a@example.com", 1, "7375", card)
    _applied(client, mail, "b@example.com", 2, "7376", files.rephotographed(card))
    _applied(client, mail, "c@example.com", 3, "7375", card, code="HLD")
    own = files.id_card_with_portrait(seed=6, name="陳大文", national_id="B223456780")
    _applied(client, mail, "d@example.com", 4, "7376", own, code="HLD")
    with rt.db.session() as session:
        linked = set(session.execute(select(*_LINK)).all())
    assert {m for *_, m, _ in linked} == {"exact", "similar"}
    # When the links are dropped with their table and the migration runs again
    config = alembic_config(rt.settings.database_url)
    command.downgrade(config, "0013_attempt_flags")
    command.upgrade(config, "head")
    # Then it finds the same links, both ways, with the same distances
    with rt.db.session() as session:
        assert set(session.execute(select(*_LINK)).all()) == linked


_LINK = (
    FileDuplicate.file_id,
    FileDuplicate.other_file_id,
    FileDuplicate.match,
    FileDuplicate.distance,
)
