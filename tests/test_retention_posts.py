"""Retention of post photos (issue 12, finding 7): once a service has ended, its posts' photos
go the policy's days later with the rest of the service; a post approved but not yet handed to
the inmate keeps its photo until it is, so staff can still print it."""

import io
from datetime import timedelta

import pypdf
from sqlalchemy import select, update

from storage.models import Application, Attempt, StoredFile, Submission, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import admin_of, served_family
from usecases.sweeping import sweep


def _approved_post(client, reviewer, fam, app_id, title):
    post_id = flow.post(client, fam, app_id, title=title).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    assert flow.claim_and_decide(client, reviewer, post_id).json() == {"status": "approved"}
    return post_id


def _photos_of(rt, post_id) -> list[StoredFile]:
    with writing(rt) as session:
        return list(
            session.scalars(
                select(StoredFile)
                .join(Attempt, Attempt.id == StoredFile.attempt_id)
                .where(Attempt.submission_id == post_id)
            ).all()
        )


def _kept(rt, f: StoredFile) -> bool:
    keys = [k for k in (f.storage_key, f.sanitized_key, f.preview_key) if k]
    return f.copies_erased_at is None and all(rt.files.exists(k) for k in keys)


def _ended_long_ago(client, rt, reviewer, fam, app_id, days: int) -> tuple[str, str]:
    """A delivered post and a later one approved but not yet delivered; then the service ends
    (the inmate was released) and the clock moves `days` on."""
    delivered = _approved_post(client, reviewer, fam, app_id, "小明的成績單")
    assert client.post(f"/review/v1/items/{delivered}/delivered", headers=reviewer).is_success
    with writing(rt) as session:  # the quota's 30 days have passed since
        session.execute(
            update(Submission)
            .where(Submission.id == delivered)
            .values(submitted_at=utcnow() - timedelta(days=31))
        )
    waiting = _approved_post(client, reviewer, fam, app_id, "阿華的畢業典禮")
    end = {"reason": "released"}
    r = client.post(f"/review/v1/services/{app_id}/end", headers=admin_of(rt), json=end)
    assert r.status_code == 200, r.text
    long_ago = utcnow() - timedelta(days=days)
    with writing(rt) as session:
        session.execute(update(Application).values(ended_at=long_ago))
        session.execute(update(Submission).values(status_changed_at=long_ago))
    return delivered, waiting


def test_a_running_services_post_photos_are_kept(client, rt, mail, workers):
    reviewer, fam, app_id = served_family(client, rt, mail, document_retention_days=90)
    post_id = _approved_post(client, reviewer, fam, app_id, "小明的成績單")
    assert client.post(f"/review/v1/items/{post_id}/delivered", headers=reviewer).is_success
    with writing(rt) as session:
        session.execute(update(Submission).values(status_changed_at=utcnow() - timedelta(days=400)))
    assert sweep(rt).erased_files == 0
    assert all(_kept(rt, f) for f in _photos_of(rt, post_id))


def test_an_ended_services_post_photos_stay_until_the_policy_days_have_passed(
    client, rt, mail, workers
):
    reviewer, fam, app_id = served_family(client, rt, mail, document_retention_days=90)
    delivered, _ = _ended_long_ago(client, rt, reviewer, fam, app_id, days=89)
    assert sweep(rt).erased_files == 0
    assert all(_kept(rt, f) for f in _photos_of(rt, delivered))


def test_an_ended_services_delivered_post_photos_go_but_an_undelivered_one_still_prints(
    client, rt, mail, workers
):
    # Given a service ended 91 days ago: one post delivered, one approved and not yet delivered
    reviewer, fam, app_id = served_family(client, rt, mail, document_retention_days=90)
    delivered, waiting = _ended_long_ago(client, rt, reviewer, fam, app_id, days=91)
    # When the sweeper runs
    assert sweep(rt).erased_files == len(_photos_of(rt, delivered))
    # Then the delivered post's photo is gone, original and copies…
    for f in _photos_of(rt, delivered):
        assert f.original_erased_at is not None and f.copies_erased_at is not None
        assert not rt.files.exists(f.storage_key) and not rt.files.exists(f.sanitized_key)
    # …the one still to hand over keeps its photo and prints with it
    assert all(_kept(rt, f) for f in _photos_of(rt, waiting))
    r = client.get(f"/review/v1/deliveries/print?ids={waiting}", headers=reviewer)
    assert r.status_code == 200, r.text
    assert pypdf.PdfReader(io.BytesIO(r.content)).pages[0].images
    # …and the delivered one can still be printed again, its text without the erased photo
    again = client.get(f"/review/v1/deliveries/print?ids={delivered}", headers=reviewer)
    assert again.status_code == 200, again.text
    page = pypdf.PdfReader(io.BytesIO(again.content)).pages[0]
    assert "小明的成績單" in page.extract_text() and not page.images
