"""`familybook demo`: what a newcomer is told to try works as printed."""

from familybook.demo import instructions, load_demo
from tests.support import files, flow


def test_the_demos_sample_documents_pass_the_checks_into_the_review_queue(client, rt, mail):
    # Given the demo loaded and its instructions printed (which writes the sample files)
    tokens = load_demo(rt)
    printed = instructions(rt, tokens)
    card, register, face = (
        rt.settings.data_dir / "demo/id-card.jpg",
        rt.settings.data_dir / "demo/household.pdf",
        rt.settings.data_dir / "demo/applicant.jpg",
    )
    assert str(card.resolve()) in printed and tokens["reviewer"] in printed
    # When the demo family applies with them
    fam = flow.family(client, mail, "me@example.com")
    parts = [
        ("identity_documents", ("id-card.jpg", card.read_bytes(), "image/jpeg")),
        ("relationship_documents", ("household.pdf", register.read_bytes(), "application/pdf")),
        ("applicant_photo", ("applicant.jpg", face.read_bytes(), "image/jpeg")),
    ]
    app_id = flow.apply(client, fam, files_=parts).json()["id"]
    # Then the application reaches the demo reviewer's queue
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    reviewer = flow.bearer(tokens["reviewer"])
    assert [i["id"] for i in client.get("/review/v1/queue", headers=reviewer).json()] == [app_id]


def test_the_demos_taitung_follows_taitungs_rules_and_hualien_the_agencys(client, rt):
    load_demo(rt)
    rows = {i["code"]: i for i in client.get("/api/v1/institutions").json()}
    taitung, hualien = rows["TTD"]["policy"], rows["HLD"]["policy"]
    assert taitung["max_child_age"] == 18 and taitung["applicant_photo_required"] is True
    assert (taitung["max_relationship_degree"], taitung["cohabitant_allowed"]) == (2, True)
    # 「照(圖)片檔限 1 張(檔案畫質不超過 10M)」: photos only, one, 10 MB
    assert (taitung["post_max_files"], taitung["post_max_file_bytes"]) == (1, 10 * 1024 * 1024)
    assert taitung["allowed_types_by_category"]["attachments"] == ["image/jpeg", "image/png"]
    assert [c["extension"] for c in rows["TTD"]["contacts"]] == ["119", "112"]
    assert (hualien["max_child_age"], hualien["max_relationship_degree"]) == (15, 1)
    assert (hualien["spouse_allowed"], hualien["cohabitant_allowed"]) == (True, False)


def test_a_pdf_attached_to_a_taitung_post_is_sent_back_to_be_fixed(client, rt, mail):
    # A household-register PDF once went through as a Taitung post and was delivered.
    load_demo(rt)
    fam, app_id = flow.served_family(client, mail, "me@example.com")
    r = client.post(
        "/api/v1/posts",
        headers=fam.headers,
        data={"application_id": app_id, "title": "戶籍謄本", "body": "請看。"},
        files=[("attachments", ("household.pdf", files.household_pdf(), "application/pdf"))],
    )
    # The type is read from the content by the checks: the post goes back as 待補件
    assert r.status_code == 202, r.text
    post = flow.wait_post(client, fam, r.json()["id"], {"needs_fix", "awaiting_review"})
    assert post["status"] == "needs_fix"
    assert post["reasons"][0]["code"] == "file_type"


def test_loading_the_demo_again_issues_new_working_tokens(client, rt):
    # Given the demo loaded once
    first = load_demo(rt)
    # When it is loaded again (staff add refuses an existing email; the demo rotates)
    again = load_demo(rt)
    # Then the new tokens work and the old ones stopped
    for role in ("reviewer", "admin"):
        assert again[role] != first[role]
        assert client.get("/review/v1/queue", headers=flow.bearer(again[role])).status_code == 200
        assert client.get("/review/v1/queue", headers=flow.bearer(first[role])).status_code == 401
