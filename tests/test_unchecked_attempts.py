"""Reviewers see only what passed the checks (issue 12, finding 14), from any attempt on."""

from tests.support import files, flow

#: A photo too small to be a readable document: the checks send it back to the family.
TOO_SMALL = [
    ("identity_documents", ("id.png", files.png_photo((100, 80)), "image/png")),
    ("relationship_documents", ("戶籍謄本.pdf", files.household_pdf(), "application/pdf")),
]


def test_a_second_attempt_that_failed_the_checks_too_stays_hidden(client, rt, mail, workers):
    # Given an application whose two attempts both failed the checks
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam, files_=TOO_SMALL).json()["id"]
    flow.wait_status(client, fam, app_id, {"needs_fix"})
    assert flow.resubmit(client, fam, app_id, files_=TOO_SMALL).status_code == 202
    flow.wait_status(client, fam, app_id, {"needs_fix"})
    # Then no reviewer can open it, not even by its id
    assert client.get(f"/review/v1/items/{app_id}", headers=reviewer).status_code == 404


def test_an_attempt_that_failed_the_checks_shows_no_files_after_one_that_passed(
    client, rt, mail, workers
):
    # Given an application a reviewer rejected, sent again with files the checks refuse
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "b@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    rejected = flow.claim_and_decide(client, reviewer, app_id, "reject", "relationship_unproven")
    assert rejected.status_code == 200
    assert flow.resubmit(client, fam, app_id, files_=TOO_SMALL).status_code == 202
    flow.wait_status(client, fam, app_id, {"needs_fix"})
    # Then the reviewer still sees the item's history, but none of the refused files
    item = client.get(f"/review/v1/items/{app_id}", headers=reviewer)
    assert item.status_code == 200
    assert item.json()["attempt"] == 2
    assert item.json()["files"] == []
