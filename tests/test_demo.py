"""`familybook demo`: what a newcomer is told to try works as printed."""

from familybook.demo import instructions, load_demo
from tests.support import flow


def test_the_demos_sample_documents_pass_the_checks_into_the_review_queue(client, rt, mail):
    # Given the demo loaded and its instructions printed (which writes the sample files)
    tokens = load_demo(rt)
    printed = instructions(rt, tokens)
    card, register = (
        rt.settings.data_dir / "demo/id-card.jpg",
        rt.settings.data_dir / "demo/household.pdf",
    )
    assert str(card.resolve()) in printed and tokens["reviewer"] in printed
    # When the demo family applies with them
    fam = flow.family(client, mail, "me@example.com")
    parts = [
        ("identity_documents", ("id-card.jpg", card.read_bytes(), "image/jpeg")),
        ("relationship_documents", ("household.pdf", register.read_bytes(), "application/pdf")),
    ]
    app_id = flow.apply(client, fam, files_=parts).json()["id"]
    # Then the application reaches the demo reviewer's queue
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    reviewer = flow.bearer(tokens["reviewer"])
    assert [i["id"] for i in client.get("/review/v1/queue", headers=reviewer).json()] == [app_id]


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
