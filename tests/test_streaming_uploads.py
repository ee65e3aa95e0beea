"""Uploads stream: refused at the institution's limit while the bytes arrive, and a slow
upload holds no database lock or connection (a real server: TestClient reads bodies whole)."""

import concurrent.futures

import httpx

from tests.support import files, flow
from tests.support.live import MultipartStream, live_server, post_streaming

MB = 1024 * 1024


def _family_and_institution(client, rt, mail, **policy):
    flow.institution(rt, **policy)
    return flow.family(client, mail, "a@example.com")


def test_an_upload_over_the_institutions_limit_is_refused_before_it_has_all_arrived(
    client, rt, mail
):
    # Given an institution that takes 1 MB per application
    fam = _family_and_institution(client, rt, mail, max_application_bytes=1 * MB)
    fields = {"institution": "TTD", "callsign": "7375", "relationship": "spouse"}
    body = MultipartStream(fields, "relationship_documents", 20 * MB)
    # When the family sends 20 MB
    with live_server(rt) as base:
        status, answer = post_streaming(f"{base}/api/v1/applications", fam.headers, body)
    # Then it is refused with 413 long before the 20 MB are in, and nothing is left
    assert (status, answer["error"]["code"]) == (413, "upload_too_large")
    assert body.sent < 4 * MB, body.sent
    assert rt.files.count() == 0
    assert rt.files.temporary_count() == 0


def test_a_post_file_over_the_per_file_limit_is_refused_while_it_streams(client, rt, mail):
    flow.institution(rt, post_max_file_bytes=1 * MB, post_max_bytes=20 * MB)
    flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    fields = {"application_id": app_id, "title": "成績單", "body": "小明考了九十分。"}
    body = MultipartStream(fields, "attachments", 15 * MB)
    with live_server(rt) as base:
        status, answer = post_streaming(f"{base}/api/v1/posts", fam.headers, body)
    assert (status, answer["error"]["code"]) == (413, "file_too_large")
    assert body.sent < 4 * MB, body.sent
    assert rt.files.temporary_count() == 0


def test_a_slow_upload_does_not_hold_up_other_families(client, rt, mail):
    # Given a family in the middle of a slow upload (paused halfway through a file)
    fam = _family_and_institution(client, rt, mail)
    fields = {"institution": "TTD", "callsign": "7375", "relationship": "spouse"}
    card = {"identity_documents": ("id.jpg", files.id_card_jpeg())}
    body = MultipartStream(
        fields, "relationship_documents", 2 * MB, pause_after=1 * MB, other_files=card
    )
    with live_server(rt) as base, concurrent.futures.ThreadPoolExecutor(1) as pool:
        upload = pool.submit(
            httpx.post,
            f"{base}/api/v1/applications",
            content=iter(body),
            headers={**fam.headers, "content-type": body.content_type},
            timeout=60,
        )
        assert body.paused.wait(timeout=20)
        # When another family registers and logs in meanwhile
        other = flow.registration("b@example.com", n=2)
        r = httpx.post(f"{base}/api/v1/accounts", json=other, timeout=10)
        login = httpx.post(
            f"{base}/api/v1/sessions",
            json={"email": "a@example.com", "password": flow.PASSWORD},
            timeout=10,
        )
        # Then both are answered at once (no lock is held for the paused upload)
        assert r.status_code == 201, r.text
        assert login.status_code == 201, login.text
        body.resume.set()
        # and the paused upload, once it finishes, is accepted
        assert upload.result().status_code == 202
