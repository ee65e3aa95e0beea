"""A service can end (issue 15, rule 4; API.md 1.1): the family withdraws an application or
ends its service, staff end a service for a reason; the family is emailed, the inmate is free
for another family, and posts on an ended service are refused."""

from tests.support import flow, posting


def _withdraw(client, fam, app_id):
    return client.post(f"/api/v1/applications/{app_id}/withdraw", headers=fam.headers)


def _end(client, staff, app_id, reason="released", note=None):
    body = {"reason": reason} | ({"note": note} if note else {})
    return client.post(f"/review/v1/services/{app_id}/end", headers=staff, json=body)


def test_the_family_withdraws_an_application_in_review_and_the_inmate_is_free(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com", n=1)
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    r = _withdraw(client, fam, app_id)
    assert r.status_code == 200, r.text
    assert r.json() == {"id": app_id, "status": "withdrawn", "end_reason": "family_request"}
    view = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert (view["status"], view["status_label"]) == ("withdrawn", "已撤回")
    other = flow.family(client, mail, "b@example.com", n=2)
    assert flow.apply(client, other).status_code == 202
    assert "撤回" in mail.wait_for_subject(fam.email, "application withdrawn")["Subject"]


def test_a_withdrawn_application_leaves_the_review_queue(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    assert _withdraw(client, fam, app_id).status_code == 200
    assert client.get("/review/v1/queue", headers=reviewer).json() == []


def test_a_decision_after_the_family_withdrew_is_refused(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    assert client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer).status_code == 200
    assert _withdraw(client, fam, app_id).status_code == 200
    r = client.post(
        f"/review/v1/items/{app_id}/decision",
        json={"decision": "approve"},
        headers={**reviewer, "Idempotency-Key": "k"},
    )
    assert r.status_code == 409
    view = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert view["status"] == "withdrawn"


def test_the_family_ends_its_approved_service(client, rt, mail):
    flow.institution(rt)
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    r = _withdraw(client, fam, app_id)
    assert r.json() == {"id": app_id, "status": "ended", "end_reason": "family_request"}
    view = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert (view["status_label"], view["end_reason"]) == ("已終止", "family_request")
    content = mail.wait_for_subject(fam.email, "service ended").get_content()
    assert "家屬申請終止" in content and "7375 王○○" in content


def test_withdrawing_twice_is_a_409(client, rt, mail):
    flow.institution(rt)
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    assert _withdraw(client, fam, app_id).status_code == 200
    r = _withdraw(client, fam, app_id)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "not_withdrawable"


def test_another_familys_application_cannot_be_withdrawn(client, rt, mail):
    flow.institution(rt)
    _, app_id = flow.served_family(client, mail, "a@example.com")
    stranger = flow.family(client, mail, "b@example.com", n=2)
    assert _withdraw(client, stranger, app_id).status_code == 404


def test_staff_list_active_services_and_end_one_for_a_reason(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    active = client.get("/review/v1/services?status=active", headers=reviewer).json()
    assert [(s["id"], s["inmate"]["callsign"]) for s in active] == [(app_id, "7375")]
    r = _end(client, reviewer, app_id, "released", "111 年 3 月出監")
    assert r.json() == {"id": app_id, "status": "ended", "end_reason": "released"}
    assert client.get("/review/v1/services?status=active", headers=reviewer).json() == []
    ended = client.get("/review/v1/services?status=ended", headers=reviewer).json()
    assert (ended[0]["end_reason"], ended[0]["end_note"]) == ("released", "111 年 3 月出監")
    content = mail.wait_for_subject(fam.email, "service ended").get_content()
    assert "收容人已出監" in content


def test_after_staff_end_a_service_another_family_may_apply(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    _, app_id = flow.served_family(client, mail, "a@example.com")
    other = flow.family(client, mail, "b@example.com", n=2)
    assert flow.apply(client, other).status_code == 409  # held by the first family
    assert _end(client, reviewer, app_id, "transferred").status_code == 200
    assert flow.apply(client, other).status_code == 202


def test_a_post_on_an_ended_service_is_refused(client, rt, mail):
    reviewer, fam, app_id = posting.served_family(client, rt, mail)
    assert _end(client, reviewer, app_id, "child_aged_out").status_code == 200
    r = flow.post(client, fam, app_id)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "service_ended"


def test_a_post_in_flight_is_withdrawn_when_its_service_ends(client, rt, mail):
    reviewer, fam, app_id = posting.served_family(client, rt, mail)
    post_id = flow.post(client, fam, app_id).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    assert _end(client, reviewer, app_id, "other").status_code == 200
    assert flow.wait_post(client, fam, post_id, {"withdrawn"})["status_label"] == "已撤回"
    assert client.get("/review/v1/queue", headers=reviewer).json() == []


def test_staff_cannot_end_a_service_that_is_not_active(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    assert _withdraw(client, fam, app_id).status_code == 200
    r = _end(client, reviewer, app_id)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "not_withdrawable"


def test_staff_of_another_institution_cannot_see_or_end_the_service(client, rt, mail):
    flow.institution(rt, "TTD")
    flow.institution(rt, "HLD")
    other = flow.staff(rt, "o@hld.example", ["HLD"])
    _, app_id = flow.served_family(client, mail, "a@example.com")
    assert client.get("/review/v1/services", headers=other).json() == []
    assert _end(client, other, app_id).status_code == 404


def test_an_unknown_end_reason_or_status_filter_is_a_422(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    _, app_id = flow.served_family(client, mail, "a@example.com")
    assert _end(client, reviewer, app_id, "bored").status_code == 422
    assert client.get("/review/v1/services?status=all", headers=reviewer).status_code == 422


def test_the_family_and_staff_ending_a_service_at_once_end_it_once(client, rt, mail):
    import concurrent.futures

    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.served_family(client, mail, "a@example.com")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        family = pool.submit(_withdraw, client, fam, app_id)
        staff = pool.submit(_end, client, reviewer, app_id, "released")
        codes = sorted([family.result().status_code, staff.result().status_code])
    assert codes == [200, 409]
    flow.wait_for(lambda: flow.unsent_emails(rt) == 0, what="outbox drained")
    assert len([m for m in mail.to(fam.email) if "service ended" in str(m["Subject"])]) == 1


def test_the_services_list_is_paged_through_the_link_header(client, rt, mail):
    from tests.test_paging import _walk

    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com")
    ids = [flow.approved_service(rt, fam.email, callsign=c) for c in ("7375", "7376", "7377")]
    pages = _walk(client, "/review/v1/services?status=active&limit=2", reviewer)
    assert [len(p) for p in pages] == [2, 1]
    assert sorted(i for p in pages for i in p) == sorted(ids)
