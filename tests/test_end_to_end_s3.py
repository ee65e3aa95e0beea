"""issue 13's "Done when": the family flow end to end with the API, the check workers and the
OCR worker as separate processes that share only the database, Redis and an S3-compatible
object store (a real HTTP endpoint: moto's server). Each process has a data folder of its own,
so a document one wrote can reach another only through the bucket."""

import httpx
import pytest
from sqlalchemy import select

from core.crypto import MAGIC, Keys
from storage.models import Attempt, PrefillField, StoredFile
from storage.s3files import S3Store
from tests.conftest import BACKEND, MAIL
from tests.faults.procs import Processes, wait_until
from tests.support import flow
from tests.support.db import writing

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BACKEND != "production",
        reason="separate worker processes need the production backend (PostgreSQL + Redis)",
    ),
]


def test_api_and_workers_on_separate_processes_share_documents_through_s3(rt, s3_server, tmp_path):
    bucket, keys = s3_server.new_bucket(), Keys.generate_spec()
    shared = {**s3_server.env(bucket, prefix="familybook"), "FAMILYBOOK_ENCRYPTION_KEYS": keys}
    dirs = {name: tmp_path / name for name in ("api", "checks", "ocr")}
    procs = Processes(tmp_path)
    try:
        # Given the API, a check-and-mail worker and an OCR worker, each on its own folder
        _, url = procs.api(**shared, FAMILYBOOK_DATA_DIR=str(dirs["api"]))
        procs.worker(queues="checks,mail", **shared, FAMILYBOOK_DATA_DIR=str(dirs["checks"]))
        procs.worker(
            queues="ocr,post_ocr", threads=1, **shared, FAMILYBOOK_DATA_DIR=str(dirs["ocr"])
        )
        flow.institution(rt, "TTD", max_child_age=18)
        reviewer = flow.staff(rt, "reviewer@ttd.example", ["TTD"])
        with httpx.Client(base_url=url, timeout=30) as client:
            # When a family registers (the mail worker sends the token) and applies
            fam = flow.family(client, MAIL, "mom@example.com")  # type: ignore[arg-type]
            uploads = flow.application_files(register_pdf=True)
            r = flow.apply(client, fam, files_=uploads)  # type: ignore[arg-type]
            assert r.status_code == 202, r.text
            app_id, sent = r.json()["id"], {name: data for _, (name, data, _) in uploads}
            # Then the check worker reads the upload from the bucket and stores clean copies
            flow.wait_status(client, fam, app_id, {"awaiting_review"}, 60)  # type: ignore[arg-type]
            # and the OCR worker, on its own folder, reads them from the bucket too
            wait_until(lambda: _ocr_done(rt, app_id), 90, "OCR of the application")
            with writing(rt) as session:
                names = session.scalars(
                    select(PrefillField.value).where(PrefillField.field == "name")
                )
                assert "王小明" in set(names), "OCR did not read the documents from the bucket"
            _reviewer_sees_and_approves(client, reviewer, app_id, sent)
        mail = MAIL.wait_for_subject("mom@example.com", "service application approved")
        assert "審核通過" in mail["Subject"]
    except BaseException:
        print(procs.tail())
        raise
    finally:
        procs.stop_all()
    _every_document_is_in_the_bucket_encrypted_and_nowhere_else(rt, s3_server, bucket, dirs)


def _ocr_done(rt, app_id: str) -> bool:
    with writing(rt) as session:
        attempt = session.scalar(select(Attempt).where(Attempt.submission_id == app_id))
        return attempt is not None and attempt.ocr_done_at is not None


def _reviewer_sees_and_approves(client, reviewer, app_id: str, sent: dict[str, bytes]) -> None:
    assert client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer).status_code == 200
    item = client.get(f"/review/v1/items/{app_id}", headers=reviewer).json()
    assert all(c["ok"] for c in item["checks"])
    for f in item["files"]:  # the family's originals, streamed by the API from the bucket
        r = client.get(
            f"/review/v1/items/{app_id}/files/{f['id']}?variant=original", headers=reviewer
        )
        assert r.content == sent[f["original_name"]]
        clean = client.get(f"/review/v1/items/{app_id}/files/{f['id']}", headers=reviewer)
        assert clean.status_code == 200 and clean.headers["content-type"] == f["detected_type"]
    r = client.post(
        f"/review/v1/items/{app_id}/decision",
        json={"decision": "approve"},
        headers={**reviewer, "Idempotency-Key": "decide-1"},
    )
    assert r.json() == {"status": "approved"}, r.text


def _every_document_is_in_the_bucket_encrypted_and_nowhere_else(rt, s3_server, bucket, dirs):
    store = S3Store(s3_server.client(), bucket, "familybook", None, dirs["api"] / "work")
    with writing(rt) as session:
        files = session.scalars(select(StoredFile)).all()
    referenced = {k for f in files for k in (f.storage_key, f.sanitized_key, f.preview_key) if k}
    assert len(files) == 2 and all(f.sanitized_key for f in files)
    assert set(store.stored_keys()) == referenced
    assert store.temporary_count() == 0
    for key in referenced:
        assert next(store.raw_chunks(key)).startswith(MAGIC)
    on_disk = [p for d in dirs.values() for p in d.rglob("*") if p.is_file() and len(p.name) == 32]
    assert on_disk == [], "a document kept on a process's own disk"
