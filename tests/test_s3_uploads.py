"""Uploads into S3-compatible object storage stream (issue 13): parts go to the server while
the family is still sending, a process holds about one part of a file, and a discarded or
refused upload aborts its multipart upload so the bucket keeps nothing. Against a real HTTP S3
endpoint (moto's server, its own process)."""

import os
import tracemalloc

import pytest

from storage.s3files import S3Store
from tests.support import files, flow
from tests.support.live import MultipartStream, live_server, post_streaming

MIB = 1024 * 1024


def _parts_on_server(store: S3Store, key: str) -> int:
    [upload] = store.s3.list_multipart_uploads(Bucket=store.bucket)["Uploads"]
    assert upload["Key"] == store.object_name(key)
    listed = store.s3.list_parts(
        Bucket=store.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
    )
    return len(listed.get("Parts", []))


@pytest.mark.backend_independent
def test_a_30_mib_upload_reaches_the_server_in_parts_while_it_is_written(s3_store):
    block = os.urandom(MIB)
    tracemalloc.start()
    try:
        with s3_store.writing() as writer:
            for i in range(30):
                writer.write(block)
                if i == 16:  # 17 MiB in: two 8 MiB parts are already on the server
                    assert _parts_on_server(s3_store, writer.key) == 2
                    assert not s3_store.exists(writer.key)  # nothing under the key until done
            blob = writer.commit()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\npeak Python memory writing 30 MiB to S3 in 8 MiB parts: {peak / MIB:.1f} MiB")
    # The part being sent and what the HTTP client reads of it (measured: 12 MiB for 8 MiB
    # parts), whatever the file's size.
    assert peak < 2 * s3_store.part_bytes < 30 * MIB, "two parts or more held at once"
    assert s3_store.read_bytes(blob.key) == block * 30
    assert s3_store.unfinished_uploads() == 0


@pytest.mark.backend_independent
def test_a_discarded_upload_aborts_its_multipart_upload(s3_store):
    with s3_store.writing() as writer:
        writer.write(os.urandom(9 * MIB))
        assert _parts_on_server(s3_store, writer.key) == 1
        # the request is refused here: the block ends without a commit
    assert s3_store.unfinished_uploads() == 0
    assert s3_store.count() == 0 and not s3_store.exists(writer.key)


def test_an_upload_refused_over_http_after_a_part_was_sent_leaves_nothing(
    client, rt, mail, rt_on_s3
):
    # Given an institution taking 10 MB an application, and documents kept in S3
    flow.institution(rt, max_application_bytes=10 * MIB)
    fam = flow.family(client, mail, "s3@example.com")
    fields = {"institution": "TTD", "callsign": "7375", "relationship": "spouse"}
    body = MultipartStream(fields, "relationship_documents", 30 * MIB)
    # When a family sends 30 MB (one 8 MiB part reaches the bucket before the limit)
    with live_server(rt) as base:
        status, answer = post_streaming(f"{base}/api/v1/applications", fam.headers, body)
    # Then it is refused while it streams, and the bucket holds no object and no parts
    assert (status, answer["error"]["code"]) == (413, "upload_too_large")
    assert body.sent < 20 * MIB
    assert (rt_on_s3.count(), rt_on_s3.temporary_count()) == (0, 0)


def test_a_30_mib_application_over_http_holds_under_two_parts_in_memory(client, rt, mail, rt_on_s3):
    flow.institution(rt, max_application_bytes=40 * MIB)
    fam = flow.family(client, mail, "big@example.com")
    fields = {"institution": "TTD", "callsign": "7375", "relationship": "spouse"}
    id_card = ("id.jpg", files.id_card_jpeg())
    body = MultipartStream(
        fields, "relationship_documents", 30 * MIB, other_files={"identity_documents": id_card}
    )
    with live_server(rt) as base:
        tracemalloc.start()
        try:
            status, answer = post_streaming(f"{base}/api/v1/applications", fam.headers, body)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    print(f"\npeak Python memory of the API receiving 30 MiB into S3: {peak / MIB:.1f} MiB")
    assert status == 202, answer
    assert peak < 2 * rt_on_s3.part_bytes, "the upload was held whole, or nearly"
    assert rt_on_s3.count() == 2 and rt_on_s3.unfinished_uploads() == 0


def test_an_upload_while_the_object_store_is_down_is_503_and_saves_nothing(
    client, rt, mail, s3_store
):
    from sqlalchemy import func, select

    from storage.models import Submission
    from storage.s3files import S3Store, connect
    from tests.support.db import writing

    flow.institution(rt)
    fam = flow.family(client, mail, "down@example.com")
    # Given the store's endpoint answers no more (a closed port)
    down = S3Store(
        connect("http://127.0.0.1:1", "us-east-1", "x", "y"),
        "b",
        "d",
        s3_store.keys,
        s3_store.scratch,
    )
    local, rt.files = rt.files, down
    try:
        r = flow.apply(client, fam)
    finally:
        rt.files = local
    # Then the family is told to try again later, and nothing was recorded
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "storage_unavailable"
    assert int(r.headers["Retry-After"]) > 0
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0


def test_readyz_names_the_object_store(client, rt, rt_on_s3):
    assert client.get("/readyz").json()["storage"] == "ok"
    rt_on_s3.bucket = "fb-not-there"
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["error"]["parts"]["storage"].startswith("down: s3://fb-not-there/docs/")
