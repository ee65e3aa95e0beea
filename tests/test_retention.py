"""Retention (issue 12, finding 7): identity and relationship documents are erased a policy
number of days after the final decision, by the sweeper, audited, with a dry-run view."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from familybook.cli import main
from storage.models import Application, AuditEntry, StoredFile, Submission, utcnow
from tests.support import flow
from tests.support.db import writing
from usecases import retention
from usecases.sweeping import sweep


def _decided_long_ago(client, mail, rt, days: int, decision: str = "reject") -> str:
    flow.institution(rt, document_retention_days=90)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "keep@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    reason = "not_eligible" if decision == "reject" else None
    assert flow.claim_and_decide(client, reviewer, app_id, decision, reason).status_code == 200
    with writing(rt) as session:
        session.execute(update(Submission).values(decided_at=utcnow() - timedelta(days=days)))
    return app_id


def _documents(rt) -> list[StoredFile]:
    with writing(rt) as session:
        return list(session.scalars(select(StoredFile)).all())


def test_documents_are_kept_until_the_policy_days_have_passed(client, mail, rt, workers):
    _decided_long_ago(client, mail, rt, days=89)
    assert sweep(rt).erased_files == 0
    assert all(rt.files.exists(f.storage_key) for f in _documents(rt))


def test_dry_run_lists_what_would_go_and_erases_nothing(client, mail, rt, workers, capsys):
    _decided_long_ago(client, mail, rt, days=91)
    main(["purge", "--dry-run"])
    out = capsys.readouterr().out
    documents = _documents(rt)
    assert f"{len(documents)} document(s) would erase" in out
    assert all(rt.files.exists(f.storage_key) for f in documents)


def test_the_sweeper_erases_a_rejected_applications_documents_and_audits_it(
    client, mail, rt, workers
):
    app_id = _decided_long_ago(client, mail, rt, days=91)
    before = _documents(rt)
    assert sweep(rt).erased_files == len(before)
    for f in _documents(rt):
        assert f.original_erased_at is not None and f.copies_erased_at is not None
        assert not rt.files.exists(f.storage_key)
        assert f.sanitized_key is None or not rt.files.exists(f.sanitized_key)
    with writing(rt) as session:
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "file_erased")
        ).all()
    assert {a.file_id for a in audited} == {f.id for f in before}
    assert {a.submission_id for a in audited} == {app_id}
    assert sweep(rt).erased_files == 0  # once


def test_an_approved_applications_clean_copies_stay_while_its_service_runs(
    client, mail, rt, workers
):
    _decided_long_ago(client, mail, rt, days=91, decision="approve")
    sweep(rt)
    for f in _documents(rt):
        assert f.original_erased_at is not None and f.copies_erased_at is None
        assert not rt.files.exists(f.storage_key)
        assert f.sanitized_key and rt.files.exists(f.sanitized_key)


def _end_service(client, rt, app_id: str, days_ago: int) -> None:
    """Staff end the service (the inmate was released), then the clock moves `days_ago`."""
    admin = flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")
    r = client.post(f"/review/v1/services/{app_id}/end", headers=admin, json={"reason": "released"})
    assert r.status_code == 200, r.text
    with writing(rt) as session:
        session.execute(update(Application).values(ended_at=utcnow() - timedelta(days=days_ago)))


def test_an_ended_services_copies_stay_until_the_policy_days_after_it_ended(
    client, mail, rt, workers
):
    # Given an approved service whose originals retention already erased, ended 89 days ago
    app_id = _decided_long_ago(client, mail, rt, days=200, decision="approve")
    sweep(rt)
    _end_service(client, rt, app_id, days_ago=89)
    # When the sweeper runs, then the sanitized copies are still there
    assert sweep(rt).erased_files == 0
    for f in _documents(rt):
        assert f.copies_erased_at is None and rt.files.exists(f.sanitized_key)


def test_an_ended_services_copies_are_erased_the_policy_days_after_it_ended(
    client, mail, rt, workers, capsys
):
    # Given an approved service (decided 200 days ago, originals erased) ended 91 days ago
    app_id = _decided_long_ago(client, mail, rt, days=200, decision="approve")
    sweep(rt)
    _end_service(client, rt, app_id, days_ago=91)
    documents = _documents(rt)
    # When an operator asks what would go, the copies are listed and nothing is erased
    main(["purge", "--dry-run"])
    assert f"{len(documents)} document(s) would erase" in capsys.readouterr().out
    assert all(rt.files.exists(f.sanitized_key) for f in documents)
    # When the sweeper runs, then the sanitized copies and previews are erased and audited
    assert sweep(rt).erased_files == len(documents)
    for f in _documents(rt):
        assert f.copies_erased_at is not None
        assert not rt.files.exists(f.sanitized_key)
        assert f.preview_key is None or not rt.files.exists(f.preview_key)
    with writing(rt) as session:
        audited = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "file_erased", AuditEntry.submission_id == app_id
            )
        ).all()
    assert len(audited) == 2 * len(documents)  # the originals' erasure, then the copies'
    assert sweep(rt).erased_files == 0


def test_a_withdrawn_applications_documents_go_the_policy_days_after_it_was_withdrawn(
    client, mail, rt, workers
):
    # Given an application the family withdrew before any decision, 91 days ago
    flow.institution(rt, document_retention_days=90)
    fam = flow.family(client, mail, "gone@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    r = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=fam.headers)
    assert r.json()["status"] == "withdrawn"
    with writing(rt) as session:
        session.execute(update(Application).values(ended_at=utcnow() - timedelta(days=91)))
    # When the sweeper runs, then nothing of it is kept: originals and copies
    assert sweep(rt).erased_files == len(_documents(rt))
    for f in _documents(rt):
        assert f.original_erased_at is not None and f.copies_erased_at is not None
        assert not rt.files.exists(f.storage_key)


def test_an_erasure_cut_short_after_deleting_is_finished_and_audited_by_the_next_run(
    client, mail, rt, workers, monkeypatch
):
    _decided_long_ago(client, mail, rt, days=91)
    before = _documents(rt)

    def crash(*args, **kwargs):
        raise RuntimeError("the process died before the erasure was recorded")

    # The audit write fails inside the marking transaction: the files are already gone.
    monkeypatch.setattr("usecases.retention.record", crash)
    with pytest.raises(RuntimeError):
        retention.purge(rt, utcnow())
    monkeypatch.undo()
    assert all(f.original_erased_at is None for f in _documents(rt))
    assert all(not rt.files.exists(f.storage_key) for f in before)
    assert sweep(rt).erased_files == len(before)
    assert all(f.original_erased_at is not None for f in _documents(rt))
