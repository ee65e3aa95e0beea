"""Operators' file-store work on S3-compatible object storage (issue 13): backup and restore,
and key rotation, go through the store's interface, so they work on a bucket as on the folder."""

from sqlalchemy import delete, func, select

from familybook.backup import backup, restore
from storage.models import Inmate
from tests.support import flow
from tests.support.db import writing


def test_backup_and_restore_of_documents_in_a_bucket(rt, rt_on_s3, tmp_path):
    # Given records and two documents in the bucket
    flow.institution(rt)
    kept, lost = (rt.files.put_file(_file(tmp_path, n)).key for n in ("kept", "lost"))
    manifest = backup(rt, tmp_path / "b")
    assert manifest["files"] == 2
    # When a document is lost, one appears that the backup never had, and rows are deleted
    rt.files.delete(lost)
    stray = rt.files.put_file(_file(tmp_path, "stray")).key
    with writing(rt) as session:
        session.execute(delete(Inmate))
    # Then restore makes the bucket hold exactly the backup's documents, verified by counting
    assert restore(rt, tmp_path / "b") == {}
    assert set(rt_on_s3.stored_keys()) == {kept, lost}
    assert not rt.files.exists(stray)
    assert rt.files.read_bytes(lost) == _file(tmp_path, "lost").read_bytes()
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(Inmate)) == 4


def _file(folder, name):
    path = folder / f"{name}.bin"
    path.write_bytes(f"the {name} document ".encode() * 1000)
    return path
