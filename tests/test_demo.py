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
