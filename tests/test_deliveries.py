"""Deliveries (issue 10): marking approved posts delivered, one or many, idempotently, and the
printable PDF staff hand to the inmate (read back with pypdf, its page drawn with pdfium)."""

import io

import pypdf
import pypdfium2
from sqlalchemy import select

from moderation.audit import AuditAction
from storage.models import AuditEntry
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import served_family

#: 210 × 297 mm in PDF points, rounded.
A4_POINTS = (595, 842)
#: The colour `files.png_photo` fills its picture with.
PHOTO_RGB = (120, 170, 220)


def _approved_post(client, reviewer, fam, app_id, title="小明的成績單"):
    post_id = flow.post(client, fam, app_id, title=title).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    assert flow.claim_and_decide(client, reviewer, post_id).json() == {"status": "approved"}
    return post_id


def _second_family(client, mail, reviewer):
    fam, app_id = flow.served_family(client, mail, "second@example.com", n=2, callsign="7376")
    return fam, _approved_post(client, reviewer, fam, app_id, title="阿華的畢業典禮")


def test_marking_a_post_delivered_twice_answers_200_both_times(client, rt, mail):
    # Given an approved post
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = _approved_post(client, reviewer, fam, app_id)
    # When it is marked delivered twice (a double click, a retry after a lost answer)
    first = client.post(f"/review/v1/items/{post_id}/delivered", headers=reviewer)
    second = client.post(f"/review/v1/items/{post_id}/delivered", headers=reviewer)
    # Then both answer 200 delivered, and the audit log has it once
    assert (first.status_code, first.json()) == (200, {"status": "delivered"})
    assert (second.status_code, second.json()) == (200, {"status": "delivered"})
    with writing(rt) as session:
        marks = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.DELIVERED)
        ).all()
    assert len(marks) == 1


def test_marking_a_post_not_approved_delivered_is_a_conflict(client, rt, mail):
    # Given a post still awaiting review
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = flow.post(client, fam, app_id).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    # When it is marked delivered
    r = client.post(f"/review/v1/items/{post_id}/delivered", headers=reviewer)
    # Then it is refused: an unapproved post is never handed to the inmate
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "not_approved"


def test_marking_many_answers_a_result_per_id(client, rt, mail):
    # Given two approved posts, one already delivered, an application and a waiting post
    reviewer, fam, app_id = served_family(client, rt, mail)
    first = _approved_post(client, reviewer, fam, app_id)
    _, second = _second_family(client, mail, reviewer)
    client.post(f"/review/v1/items/{second}/delivered", headers=reviewer)
    ids = [first, second, app_id, "no-such-id", first]
    # When the batch is marked, then retried as a client would after a timeout
    r = client.post("/review/v1/deliveries/delivered", json={"ids": ids}, headers=reviewer)
    again = client.post("/review/v1/deliveries/delivered", json={"ids": ids}, headers=reviewer)
    # Then each id has its result, duplicates once, and the retry changes nothing
    assert r.status_code == 200, r.text
    assert r.json()["results"] == [
        {"id": first, "result": "delivered"},
        {"id": second, "result": "already_delivered"},
        {"id": app_id, "result": "not_a_post"},
        {"id": "no-such-id", "result": "not_found"},
    ]
    assert again.status_code == 200
    assert [x["result"] for x in again.json()["results"][:2]] == ["already_delivered"] * 2
    assert client.get("/review/v1/deliveries", headers=reviewer).json() == []


def test_another_institutions_post_is_not_found_in_a_batch(client, rt, mail):
    # Given an approved post of TTD and a reviewer of HLD
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = _approved_post(client, reviewer, fam, app_id)
    flow.institution(rt, "HLD")
    other = flow.staff(rt, "o@hld.example", ["HLD"])
    # When HLD's reviewer marks it
    r = client.post("/review/v1/deliveries/delivered", json={"ids": [post_id]}, headers=other)
    # Then it is not theirs to see: not_found, and it stays approved
    assert r.json()["results"] == [{"id": post_id, "result": "not_found"}]
    assert client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()["status"] == (
        "approved"
    )


def test_printing_gives_one_a4_page_per_post_with_its_chinese_text(client, rt, mail):
    # Given two approved posts of two families
    reviewer, fam, app_id = served_family(client, rt, mail)
    first = _approved_post(client, reviewer, fam, app_id)
    _, second = _second_family(client, mail, reviewer)
    # When staff print them
    r = client.get(f"/review/v1/deliveries/print?ids={first},{second}", headers=reviewer)
    # Then a PDF of two A4 pages, each with its institution, inmate, relationship, title, body
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    pdf = pypdf.PdfReader(io.BytesIO(r.content))
    assert len(pdf.pages) == 2
    for page in pdf.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS
    one, two = (page.extract_text() for page in pdf.pages)
    assert "測試機關 TTD" in one and "7375　王大明" in one and "（配偶）" in one
    assert "小明的成績單" in one and "爸爸，小明這學期數學考了九十分，很想念你。" in one
    assert "7376　陳志強" in two and "阿華的畢業典禮" in two
    # …drawn in an embedded Chinese font (a printer without it prints the same)
    font = pdf.pages[0]["/Resources"]["/Font"]
    embedded = [f for f in font.values() if "/FontFile2" in f.get("/FontDescriptor", {})]
    assert embedded


def test_the_printed_page_shows_the_posts_photo(client, rt, mail):
    # Given an approved post with its photo
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = _approved_post(client, reviewer, fam, app_id)
    # When it is printed and the page drawn as a printer would
    r = client.get(f"/review/v1/deliveries/print?ids={post_id}", headers=reviewer)
    page = pypdfium2.PdfDocument(r.content)[0]
    image = page.render(scale=1).to_pil().convert("RGB")
    # Then the photo's colour fills a good part of the page below the text
    pixels = list(image.get_flattened_data())
    photo = sum(1 for p in pixels if all(abs(a - b) < 8 for a, b in zip(p, PHOTO_RGB, strict=True)))
    assert photo > 0.15 * len(pixels)


def test_printing_a_post_not_approved_or_not_visible_is_refused(client, rt, mail):
    # Given an approved post, one awaiting review, and a reviewer of another institution
    reviewer, fam, app_id = served_family(client, rt, mail)
    approved = _approved_post(client, reviewer, fam, app_id)
    fam2, app2 = flow.served_family(client, mail, "second@example.com", n=2, callsign="7376")
    waiting = flow.post(client, fam2, app2).json()["id"]
    flow.wait_post(client, fam2, waiting, {"awaiting_review"})
    flow.institution(rt, "HLD")
    other = flow.staff(rt, "o@hld.example", ["HLD"])
    # When they print
    mixed = client.get(f"/review/v1/deliveries/print?ids={approved},{waiting}", headers=reviewer)
    foreign = client.get(f"/review/v1/deliveries/print?ids={approved}", headers=other)
    # Then nothing is printed: a missing page would leave an inmate without their post
    assert (mixed.status_code, mixed.json()["error"]["code"]) == (409, "not_approved")
    assert foreign.status_code == 404


def test_every_printed_post_is_audited(client, rt, mail):
    # Given an approved post
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = _approved_post(client, reviewer, fam, app_id)
    # When it is printed
    assert client.get(f"/review/v1/deliveries/print?ids={post_id}", headers=reviewer).is_success
    # Then the audit log says who printed it (its photos left the system on paper)
    with writing(rt) as session:
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == AuditAction.PRINT_DELIVERY)
        )
    assert entry is not None and entry.submission_id == post_id


def test_the_deliveries_list_is_paged_oldest_approval_first(client, rt, mail):
    # Given two approved posts, approved one after the other
    reviewer, fam, app_id = served_family(client, rt, mail)
    first = _approved_post(client, reviewer, fam, app_id)
    _, second = _second_family(client, mail, reviewer)
    # When staff read one per page
    page = client.get("/review/v1/deliveries?limit=1", headers=reviewer)
    link = page.headers["link"]
    rest = client.get(link[1 : link.index(">")], headers=reviewer)
    # Then the oldest approval comes first, and the second page is the last
    assert [p["id"] for p in page.json() + rest.json()] == [first, second]
    assert "link" not in rest.headers
