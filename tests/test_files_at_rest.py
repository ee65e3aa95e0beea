"""Documents at rest (issue 12, finding 7): encrypted with AES-GCM under a key named in each
file, readable by the owner only, rotatable; production will not start without a key."""

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import make_url, select

from core.crypto import MAGIC, Keys
from core.settings import Settings
from familybook.bootstrap import RefusedSettings, file_keys
from storage.files import FileStore
from storage.models import StoredFile
from tests.conftest import BACKEND
from tests.support import flow
from tests.support.db import writing

KEY_ONE = "k1:" + base64.b64encode(b"1" * 32).decode()
KEY_TWO = "k2:" + base64.b64encode(b"2" * 32).decode()
#: Three segments and a bit: segment boundaries are crossed.
BIG = os.urandom(3 * 64 * 1024 + 123)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_uploaded_document_is_encrypted_on_disk_and_reads_back_whole(client, mail, rt):
    flow.institution(rt)
    fam = flow.family(client, mail, "enc@example.com")
    uploads = flow.application_files()
    assert flow.apply(client, fam, files_=uploads).status_code == 202
    sent = {name: data for _, (name, data, _) in uploads}
    with writing(rt) as session:
        stored = session.scalars(select(StoredFile)).all()
    assert len(stored) == len(sent)
    for row in stored:
        on_disk = b"".join(rt.files.raw_chunks(row.storage_key))
        assert on_disk.startswith(MAGIC)
        assert sent[row.original_name][:64] not in on_disk
        assert rt.files.key_id(row.storage_key) == rt.files.keys.current
        assert rt.files.read_bytes(row.storage_key) == sent[row.original_name]


def test_stored_files_and_their_folders_are_owner_only(rt, tmp_path):
    store = FileStore(tmp_path / "files", Keys.parse(KEY_ONE))
    with store.writing() as writer:
        writer.write(b"national id card")
        blob = writer.commit()
    path = store.path(blob.key)
    assert _mode(path) == 0o600
    assert {_mode(path.parent), _mode(path.parent.parent), _mode(store.root)} == {0o700}


def test_outgoing_eml_files_are_owner_only(client, rt, workers):
    smtp_url, rt.settings.smtp_url = rt.settings.smtp_url, ""
    try:
        client.post("/api/v1/accounts", json=flow.registration("eml@example.com"))
        [eml] = flow.wait_for(lambda: sorted(rt.settings.mail_dir.glob("*.eml")), what="an .eml")
    finally:
        rt.settings.smtp_url = smtp_url
    assert _mode(eml) == 0o600 and _mode(rt.settings.mail_dir) == 0o700


@pytest.mark.skipif(BACKEND == "production", reason="the SQLite file is the embedded backend's")
def test_the_sqlite_database_file_is_owner_only(rt):
    assert _mode(Path(make_url(rt.settings.database_url).database)) == 0o600


def test_a_file_cut_short_or_altered_is_refused(tmp_path):
    store = FileStore(tmp_path / "files", Keys.parse(KEY_ONE))
    with store.writing() as writer:
        writer.write(BIG)
        blob = writer.commit()
    path = store.path(blob.key)
    whole = path.read_bytes()
    path.write_bytes(whole[: -(64 * 1024)])  # the last segment dropped
    with pytest.raises(InvalidTag):
        store.read_bytes(blob.key)
    flipped = bytearray(whole)
    flipped[100] ^= 1
    path.write_bytes(bytes(flipped))
    with pytest.raises(InvalidTag):
        store.read_bytes(blob.key)


def test_rotating_keys_reencrypts_under_the_new_key_and_drops_the_old(tmp_path):
    # Given a file written under k1
    old = FileStore(tmp_path / "files", Keys.parse(KEY_ONE))
    with old.writing() as writer:
        writer.write(BIG)
        blob = writer.commit()
    # When k2 becomes current (k1 still listed) and the file is re-encrypted
    both = FileStore(tmp_path / "files", Keys.parse(f"{KEY_TWO},{KEY_ONE}"))
    assert both.key_id(blob.key) == "k1"
    assert both.reencrypt(blob.key) is True
    # Then it is under k2, readable once k1 is gone
    new_only = FileStore(tmp_path / "files", Keys.parse(KEY_TWO))
    assert new_only.key_id(blob.key) == "k2"
    assert new_only.read_bytes(blob.key) == BIG
    assert both.reencrypt(blob.key) is False


def test_production_will_not_start_without_an_encryption_key(tmp_path):
    with pytest.raises(RefusedSettings, match="FAMILYBOOK_ENCRYPTION_KEYS"):
        file_keys(Settings(data_dir=tmp_path, env="production", encryption_keys=""))


def test_embedded_mode_makes_an_owner_only_key_file_once(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", encryption_keys="")
    first = file_keys(settings)
    assert _mode(settings.key_file) == 0o600
    assert file_keys(settings).current == first.current
    store_a = FileStore(tmp_path / "a", first)
    with store_a.writing() as writer:
        writer.write(b"x")
        blob = writer.commit()
    assert FileStore(tmp_path / "a", file_keys(settings)).read_bytes(blob.key) == b"x"
