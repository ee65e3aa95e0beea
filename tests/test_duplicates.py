"""The same document in another family's submission (API.md 1.1 `duplicates`): the same bytes,
or the same ID card photographed again, which is how a borrowed card shows."""

from tests.support import files, flow


def _applied(client, mail, email, n, callsign, card: bytes, code="TTD") -> tuple[flow.Family, str]:
    fam = flow.family(client, mail, email, n=n)
    parts = flow.application_files()
    parts[0] = ("identity_documents", ("身分證.jpg", card, "image/jpeg"))
    r = flow.apply(client, fam, callsign=callsign, code=code, files_=parts)
    assert r.status_code == 202, r.text
    app_id = r.json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    return fam, app_id


def _card_duplicates(client, reviewer, item_id) -> list[dict]:
    body = client.get(f"/review/v1/items/{item_id}", headers=reviewer).json()
    card = next(f["id"] for f in body["files"] if f["category"] == "identity_documents")
    return [d for d in body["duplicates"] if d["file_id"] == card]


def test_a_rephotographed_id_card_of_another_family_is_found_and_an_unrelated_one_is_not(
    client, rt, mail
):
    # Given one family's ID card on file
    flow.institution(rt)
    flow.institution(rt, "HLD")
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD", "HLD"])
    card = files.id_card_with_portrait(seed=1)
    _, first = _applied(client, mail, "a@example.com", 1, "7375", card)
    # When another family sends the same card photographed again, and a third its own card
    _, borrowed = _applied(client, mail, "b@example.com", 2, "7376", files.rephotographed(card))
    own = files.id_card_with_portrait(seed=2, name="陳大文", national_id="B223456780")
    _, unrelated = _applied(client, mail, "c@example.com", 3, "7375", own, code="HLD")
    # Then the second family's item shows the first family's card as similar, the third none
    [found] = _card_duplicates(client, reviewer, borrowed)
    assert (found["item_id"], found["match"]) == (first, "similar")
    assert _card_duplicates(client, reviewer, unrelated) == []
    # …and the first family's item shows the borrower's copy the same way
    assert [d["item_id"] for d in _card_duplicates(client, reviewer, first)] == [borrowed]


def test_the_same_file_sent_by_another_family_is_an_exact_duplicate(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    card = files.id_card_with_portrait(seed=3)
    fam_a, first = _applied(client, mail, "a@example.com", 1, "7375", card)
    _, second = _applied(client, mail, "b@example.com", 2, "7376", card)
    [found] = _card_duplicates(client, reviewer, second)
    assert found["match"] == "exact" and found["item_id"] == first
    me = client.get("/api/v1/me", headers=fam_a.headers).json()
    assert found["account_id"] == me["id"]
