"""OCR pre-fill in the pipeline: the reviewer sees what the ID card says next to the account."""

import io

from PIL import Image

from tests.support import files, flow


def _prefill(client, reviewer, app_id):
    def ready():
        item = client.get(f"/review/v1/items/{app_id}", headers=reviewer).json()
        return item if any(f["code"] == "ocr_summary" for f in item["flags"]) else None

    return flow.wait_for(ready, timeout=120, what="OCR pre-fill")


def test_id_card_fields_are_compared_with_the_account(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com", n=7)
    card = files.id_card_jpeg(name="王小明", national_id=fam.national_id, birth="民國74年2月3日")
    parts = [("identity_documents", ("id.jpg", card, "image/jpeg")), *flow.application_files()[1:]]
    app_id = flow.apply(client, fam, files_=parts).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    item = _prefill(client, reviewer, app_id)
    card_id = next(f["id"] for f in item["files"] if f["category"] == "identity_documents")
    by_field = {p["field"]: p for p in item["prefill"] if p["file_id"] == card_id}
    assert by_field["national_id"]["status"] == "match"
    assert by_field["national_id"]["value"] == fam.national_id
    assert by_field["name"]["status"] == "match"
    assert by_field["birth_date"]["status"] == "match"
    queue_flags = client.get("/review/v1/queue", headers=reviewer).json()[0]["flags"]
    assert any(f["code"] == "ocr_summary" for f in queue_flags)


def test_someone_elses_card_is_not_a_match(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com", n=7)
    other = flow.national_id(8, letter="B", sex="1")
    card = files.id_card_jpeg(name="陳美玲", national_id=other, birth="民國60年7月9日")
    parts = [("identity_documents", ("id.jpg", card, "image/jpeg")), *flow.application_files()[1:]]
    app_id = flow.apply(client, fam, files_=parts).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    item = _prefill(client, reviewer, app_id)
    card_id = next(f["id"] for f in item["files"] if f["category"] == "identity_documents")
    statuses = {
        p["field"]: p["status"]
        for p in item["prefill"]
        if p["file_id"] == card_id and p["field"] in ("name", "national_id")
    }
    assert set(statuses) == {"name", "national_id"}
    assert "match" not in statuses.values()
    # OCR is an aid: the item is still waiting for a person
    assert item["status"] == "awaiting_review"


def test_writing_in_a_posted_photo_is_flagged_for_the_reviewer(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.approved_family(client, mail, reviewer, "a@example.com")
    note = files.document_image(["請打電話給我", "0912345678"], size=(1200, 900))
    photo = io.BytesIO()
    note.save(photo, "PNG")
    post_id = flow.post(client, fam, app_id, photo=photo.getvalue()).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})

    def flagged():
        flags = client.get(f"/review/v1/items/{post_id}", headers=reviewer).json()["flags"]
        return (
            {f["code"]: f for f in flags}
            if any(f["code"] == "photo_contains_text" for f in flags)
            else None
        )

    flags = flow.wait_for(flagged, timeout=60, what="photo text flag")
    assert "0912345678" in flags["photo_contains_text"]["message"].replace(" ", "")
    assert "contains_phone_number" in flags


def test_a_plain_photo_raises_no_text_flag(client, rt, mail, ocr_workers):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.approved_family(client, mail, reviewer, "a@example.com")
    plain = io.BytesIO()
    Image.new("RGB", (900, 700), (90, 160, 90)).save(plain, "PNG")
    post_id = flow.post(client, fam, app_id, body="孩子很好。", photo=plain.getvalue()).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    from storage.models import Attempt

    def ocr_done():
        with rt.db.session() as session:
            return session.query(Attempt).filter_by(submission_id=post_id).one().ocr_done_at

    flow.wait_for(ocr_done, timeout=60, what="photo OCR")
    flags = client.get(f"/review/v1/items/{post_id}", headers=reviewer).json()["flags"]
    assert flags == []
