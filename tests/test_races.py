"""Two requests at once: one wins, the other gets a clear 409, never a 500 (both backends;
PostgreSQL runs them truly in parallel where SQLite takes turns)."""

import concurrent.futures

from tests.support import files, flow


def _at_once(*calls):
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(c) for c in calls]]


def test_two_families_applying_for_one_inmate_at_once_get_one_service(client, rt, mail):
    flow.institution(rt)
    first = flow.family(client, mail, "a@example.com", n=1)
    second = flow.family(client, mail, "b@example.com", n=2)
    answers = _at_once(lambda: flow.apply(client, first), lambda: flow.apply(client, second))
    assert sorted(r.status_code for r in answers) == [202, 409]
    refused = next(r for r in answers if r.status_code == 409)
    assert refused.json()["error"]["code"] == "inmate_has_service"


def test_a_double_clicked_resubmission_makes_one_new_attempt(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    tiny = [
        ("identity_documents", ("id.png", files.png_photo((100, 80)), "image/png")),
        ("relationship_documents", ("戶籍謄本.pdf", files.household_pdf(), "application/pdf")),
    ]
    app_id = flow.apply(client, fam, files_=tiny).json()["id"]
    flow.wait_status(client, fam, app_id, {"needs_fix"})

    def again():
        return flow.resubmit(client, fam, app_id)

    answers = _at_once(again, again)
    assert sorted(r.status_code for r in answers) == [202, 409]
    body = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert [a["number"] for a in body["attempts"]] == [1, 2]
