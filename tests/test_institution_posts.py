"""The institution's book: staff publish entries to a family, through the same file checks
as families' files; the family gets only the sanitized copies (issue 5)."""

import io

from PIL import Image
from sqlalchemy import select

from storage.models import InstitutionPostFile
from tests.checks import samples
from tests.support import files, flow
from tests.support.db import writing
from tests.support.posting import served_family

GPS_IFD = 0x8825


def _publish(client, staff, app_id, name, data, content_type="application/octet-stream"):
    return client.post(
        "/review/v1/institution-posts",
        headers=staff,
        data={"application_id": app_id, "title": "爸爸的信", "body": "這是爸爸寫給孩子的信。"},
        files=[("files", (name, data, content_type))],
    )


def _entries(client, fam):
    return client.get("/api/v1/institution-posts", headers=fam.headers).json()


def _fetch(client, fam, entry):
    file_id = entry["files"][0]["id"]
    return client.get(
        f"/api/v1/institution-posts/{entry['id']}/files/{file_id}", headers=fam.headers
    )


def test_the_institution_publishes_a_letter_to_the_familys_book(client, rt, mail):
    # Given an approved family
    reviewer, fam, app_id = served_family(client, rt, mail)
    # When staff publish a scanned letter
    r = _publish(client, reviewer, app_id, "letter.pdf", files.household_pdf(), "application/pdf")
    assert r.status_code == 201, r.text
    # Then the family lists it, reads its clean PDF and gets an email
    entries = _entries(client, fam)
    assert [e["title"] for e in entries] == ["爸爸的信"]
    assert entries[0]["files"][0]["type"] == "application/pdf"
    got = _fetch(client, fam, entries[0])
    assert got.status_code == 200
    assert got.content.startswith(b"%PDF")
    assert len(got.content) == entries[0]["files"][0]["size"]
    assert mail.wait_for_subject(fam.email, "機關聯絡簿")


def test_a_staff_photo_reaches_the_family_without_its_gps(client, rt, mail):
    # Given a phone photo of the inmate's drawing, carrying GPS coordinates in EXIF
    reviewer, fam, app_id = served_family(client, rt, mail)
    original = samples.jpeg(exif=samples.gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    # When staff publish it
    assert _publish(client, reviewer, app_id, "畫.jpg", original, "image/jpeg").status_code == 201
    # Then the family gets a decodable JPEG with no EXIF at all, GPS included
    got = _fetch(client, fam, _entries(client, fam)[0])
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    clean = Image.open(io.BytesIO(got.content))
    clean.load()
    assert clean.format == "JPEG"
    assert not clean.getexif()
    assert b"PhoneMaker" not in got.content
    # …while the original is kept, untouched, for the record
    with writing(rt) as session:
        row = session.scalars(select(InstitutionPostFile)).one()
        assert rt.files.read_bytes(row.storage_key) == original


def test_an_html_file_named_pdf_is_refused_and_nothing_is_published(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    stored_before = rt.files.count()
    # When staff upload a web page named like a PDF
    r = _publish(client, reviewer, app_id, "letter.pdf", b"<html><script>x</script></html>")
    # Then it is refused with the check's code and its words in both languages
    assert r.status_code == 415, r.text
    error = r.json()["error"]
    assert error["code"] == "file_type"
    assert "「letter.pdf」" in error["message"] and "letter.pdf" in error["message_en"]
    assert [reason["code"] for reason in error["reasons"]] == ["file_type"]
    # …no entry, no file and no email is left behind
    assert _entries(client, fam) == []
    assert rt.files.count() == stored_before
    flow.wait_for(lambda: flow.unsent_emails(rt) == 0, what="outbox drained")
    assert [m for m in mail.to(fam.email) if "機關聯絡簿" in str(m["Subject"])] == []


def test_a_photo_hiding_an_archive_is_refused(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    r = _publish(client, reviewer, app_id, "scan.png", samples.png() + samples.zip_bytes())
    assert r.status_code == 415
    assert r.json()["error"]["code"] == "file_polyglot"
    assert _entries(client, fam) == []


def test_a_truncated_photo_is_refused_as_unusable(client, rt, mail):
    reviewer, fam, app_id = served_family(client, rt, mail)
    broken = samples.jpeg()[:-2000]
    r = _publish(client, reviewer, app_id, "photo.jpg", broken, "image/jpeg")
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "image_unreadable"
    assert r.json()["error"]["message_en"]
    assert _entries(client, fam) == []


def test_another_family_cannot_list_or_fetch_the_entries(client, rt, mail):
    # Given an entry published to one family
    reviewer, fam, app_id = served_family(client, rt, mail)
    assert (
        _publish(client, reviewer, app_id, "畫.png", samples.png(), "image/png").status_code == 201
    )
    entry = _entries(client, fam)[0]
    # Then another family sees no entry and gets 404 for its file
    other = flow.family(client, mail, "other@example.com", n=2)
    assert _entries(client, other) == []
    assert _fetch(client, other, entry).status_code == 404


def test_staff_of_another_institution_cannot_publish_to_the_family(client, rt, mail):
    _, fam, app_id = served_family(client, rt, mail)
    flow.institution(rt, "HLD")
    other = flow.staff(rt, "o@hld.example", ["HLD"])
    assert _publish(client, other, app_id, "畫.png", samples.png(), "image/png").status_code == 404
    assert _entries(client, fam) == []
