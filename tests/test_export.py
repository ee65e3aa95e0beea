"""GET /me/export: everything held about the family, its own files included (API 1.1)."""

import io
import json
import zipfile

from PIL import Image

from tests.support.history import APPEAL_TEXT, family_with_history


def _export(client, fam):
    r = client.get("/api/v1/me/export", headers=fam.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    return zipfile.ZipFile(io.BytesIO(r.content))


def test_the_export_holds_the_account_its_submissions_strikes_and_consent(client, rt, mail):
    # Given a family with an approved application, a rejected and appealed post, an entry
    story = family_with_history(client, rt, mail)
    # When it downloads its data
    data = json.loads(_export(client, story.fam).read("data.json"))
    # Then data.json holds all of it
    assert data["account"]["email"] == "hist@example.com"
    assert data["account"]["national_id"] == story.fam.national_id
    assert [a["id"] for a in data["applications"]] == [story.application_id]
    assert data["applications"][0]["inmate"]["callsign"] == "7375"
    assert data["applications"][0]["attempts"][0]["decision"]["decision"] == "approve"
    post = data["posts"][0]
    assert post["id"] == story.post_id and post["attempts"][0]["title"] == "小明的畢業典禮"
    assert post["attempts"][0]["decision"]["reason_code"] == "off_topic"
    assert data["strikes"][0]["appeal"]["text"] == APPEAL_TEXT
    assert data["institution_posts"][0]["title"] == "爸爸的畫"
    consent = data["consents"][0]
    assert consent["version"] and "複製本" in consent["text"]


def test_the_export_includes_the_familys_own_files_as_sanitized_copies(client, rt, mail):
    story = family_with_history(client, rt, mail)
    archive = _export(client, story.fam)
    data = json.loads(archive.read("data.json"))
    documents = data["applications"][0]["attempts"][0]["files"]
    assert {f["category"] for f in documents} >= {"identity_documents", "relationship_documents"}
    entry_file = data["institution_posts"][0]["files"][0]
    for listed in [*documents, entry_file]:
        assert listed["in_zip"] in archive.namelist()
        image = Image.open(io.BytesIO(archive.read(listed["in_zip"])))
        image.load()  # a whole, decodable picture
        assert not image.getexif()  # the sanitized copy: no metadata


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_the_export_keeps_staff_only_things_out(client, rt, mail):
    story = family_with_history(client, rt, mail)
    text = _export(client, story.fam).read("data.json").decode()
    assert "r@ttd.example" not in text  # no reviewer
    staff_only = {"staff_id", "claimed_by", "decided_by", "flags", "notes", "password_hash"}
    assert staff_only.isdisjoint(_keys(json.loads(text)))


def test_the_export_needs_a_login(client):
    assert client.get("/api/v1/me/export").status_code == 401
