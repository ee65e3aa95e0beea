"""The file store's contract on both backends (issue 13): the local folder and S3-compatible
object storage, the latter a real HTTP endpoint (moto's server, its own process). Whatever
FAMILYBOOK_STORAGE_URL chooses, a file reads back whole, encrypted at rest, and a discarded or
refused upload leaves nothing behind."""

import base64
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from core.crypto import MAGIC, Keys
from storage.blobs import BlobStore
from storage.files import FileStore
from storage.s3files import S3Store

KEY_ONE = "k1:" + base64.b64encode(b"1" * 32).decode()
KEY_TWO = "k2:" + base64.b64encode(b"2" * 32).decode()
MIB = 1024 * 1024
#: Over two S3 parts of the smallest size S3 takes (5 MiB): a multipart upload on S3.
LARGE = os.urandom(11 * MIB + 123)

pytestmark = pytest.mark.backend_independent

StoreMaker = Callable[[str], BlobStore]


@pytest.fixture(params=["local", "s3"])
def make_store(request, tmp_path: Path) -> StoreMaker:
    """Stores over one location, each with the keys given (as rotation needs)."""
    if request.param == "local":
        return lambda keys: FileStore(tmp_path / "files", Keys.parse(keys))
    server = request.getfixturevalue("s3_server")
    bucket, client = server.new_bucket(), server.client()
    return lambda keys: S3Store(
        client, bucket, "fb/docs", Keys.parse(keys), tmp_path / "work", part_bytes=5 * MIB
    )


@pytest.fixture
def store(make_store: StoreMaker) -> BlobStore:
    return make_store(KEY_ONE)


def _write(store: BlobStore, data: bytes, piece: int = 100_000) -> str:
    with store.writing() as writer:
        for i in range(0, len(data), piece):
            writer.write(data[i : i + piece])
        blob = writer.commit()
    assert (blob.size, blob.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    return blob.key


@pytest.mark.parametrize("data", [b"", b"national id card", LARGE], ids=["empty", "small", "big"])
def test_a_file_reads_back_whole_and_is_listed(store, data):
    key = _write(store, data)
    assert store.read_bytes(key) == data
    assert b"".join(store.chunks(key)) == data
    assert store.exists(key) and list(store.stored_keys()) == [key]
    assert (store.count(), store.temporary_count()) == (1, 0)
    assert store.key_id(key) == "k1"


def test_it_is_encrypted_at_rest(store):
    secret = "A123456789 王大明 ".encode() * 5000
    key = _write(store, secret)
    raw = b"".join(store.raw_chunks(key))
    assert raw.startswith(MAGIC) and b"A123456789" not in raw and len(raw) > len(secret)


def test_a_discarded_or_failed_write_leaves_nothing(store):
    with store.writing() as writer:
        writer.write(LARGE)  # on S3, parts already sent
        assert store.unfinished_uploads() == 1 and not store.exists(writer.key)
    with pytest.raises(RuntimeError), store.writing() as writer:
        writer.write(b"half a file")
        raise RuntimeError("the request was refused")
    assert (store.count(), store.temporary_count(), store.unfinished_uploads()) == (0, 0, 0)
    assert not store.exists(writer.key) and not store.exists("../../etc/passwd")


def test_delete_and_put_file(store, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(LARGE[: 3 * MIB])
    key = store.put_file(source).key
    assert store.read_bytes(key) == source.read_bytes()
    store.delete(key)
    store.delete(key)  # twice is fine
    assert not store.exists(key) and store.count() == 0


def test_a_working_copy_is_the_plaintext_and_goes_away(store):
    key = _write(store, LARGE)
    with store.working_copy(key) as path:
        assert path.read_bytes() == LARGE
        assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert not path.exists() and store.temporary_count() == 0


def test_rotating_keys_rewrites_in_place_under_the_new_key(make_store):
    key = _write(make_store(KEY_ONE), LARGE)
    both = make_store(f"{KEY_TWO},{KEY_ONE}")
    assert both.reencrypt(key) is True and both.reencrypt(key) is False
    new_only = make_store(KEY_TWO)
    assert new_only.key_id(key) == "k2" and new_only.read_bytes(key) == LARGE
    assert (new_only.count(), new_only.temporary_count()) == (1, 0)


def test_altered_or_cut_stored_bytes_are_refused(store):
    key = _write(store, LARGE[: 300 * 1024])
    raw = b"".join(store.raw_chunks(key))
    store.put_raw(key, [raw[: -(64 * 1024)]])
    with pytest.raises(InvalidTag):
        store.read_bytes(key)
    flipped = bytearray(raw)
    flipped[100] ^= 1
    store.put_raw(key, [bytes(flipped)])
    with pytest.raises(InvalidTag):
        store.read_bytes(key)


def test_stored_bytes_move_between_backends_as_they_are(store, tmp_path):
    """What backup and restore rely on: the same at-rest format on disk and in a bucket."""
    key = _write(store, LARGE)
    other = FileStore(tmp_path / "other", Keys.parse(KEY_ONE))
    other.put_raw(key, store.raw_chunks(key))
    assert other.read_bytes(key) == LARGE
    store.delete(key)
    store.put_raw(key, other.raw_chunks(key))
    assert store.read_bytes(key) == LARGE
