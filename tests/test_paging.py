"""Paging of growing lists and the refusal of unknown query parameters (API.md, Version 1.1)."""

import re

from fastapi.routing import APIRoute

from familybook.app import create_app
from tests.support import flow
from tests.support.queue import fill_queue
from web.strict_query import reject_unknown_query


def _next(response) -> str | None:
    link = response.headers.get("link")
    if link is None:
        return None
    match = re.fullmatch(r'<([^>]+)>; rel="next"', link)
    assert match, link
    return match.group(1)


def _walk(client, url: str, headers) -> list[list[str]]:
    pages = []
    while url:
        r = client.get(url, headers=headers)
        assert r.status_code == 200, r.text
        pages.append([row["id"] for row in r.json()])
        url = _next(r)
    return pages


def test_the_queue_pages_follow_the_link_header_to_the_last_page(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 7)
    pages = _walk(client, "/review/v1/queue?limit=3", reviewer)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == [item.id for item in items]


def test_a_reviewer_of_two_institutions_pages_through_both_in_one_order(client, rt):
    flow.institution(rt)
    flow.institution(rt, "HLD")
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD", "HLD"])
    # minutes apart, the two institutions' items interleaved in age
    ttd = fill_queue(rt, 4, hours_ago=2)
    hld = fill_queue(rt, 4, code="HLD", first=10, hours_ago=2 + 1 / 120)
    oldest_first = [i.id for pair in zip(hld, ttd, strict=True) for i in pair]
    pages = _walk(client, "/review/v1/queue?limit=3", reviewer)
    assert [len(p) for p in pages] == [3, 3, 2]
    assert [i for p in pages for i in p] == oldest_first
    newest = _walk(client, "/review/v1/queue?limit=3&sort=newest", reviewer)
    assert [i for p in newest for i in p] == oldest_first[::-1]
    everything = _walk(client, "/review/v1/items?limit=5", reviewer)
    assert [i for p in everything for i in p] == oldest_first


def test_the_default_page_holds_fifty_and_the_last_has_no_link(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fill_queue(rt, 51)
    first = client.get("/review/v1/queue", headers=reviewer)
    assert len(first.json()) == 50
    link = _next(first)
    assert link is not None and link.startswith("/review/v1/queue?")
    last = client.get(link, headers=reviewer)
    assert len(last.json()) == 1 and "link" not in last.headers


def test_items_added_while_paging_are_neither_skipped_nor_repeated(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    items = fill_queue(rt, 5, hours_ago=10)
    first = client.get("/review/v1/queue?limit=2", headers=reviewer)
    # Meanwhile one older and one newer item arrive (the older one is before the page's end)
    older = fill_queue(rt, 1, first=100, hours_ago=20)
    newer = fill_queue(rt, 1, first=200, hours_ago=1)
    rest = _walk(client, _next(first), reviewer)
    seen = [row["id"] for row in first.json()] + [i for p in rest for i in p]
    assert len(seen) == len(set(seen))
    assert seen == [item.id for item in items] + [newer[0].id]
    assert older[0].id not in seen  # before the page already read: the next full read has it


def test_a_cursor_that_is_not_ours_is_422(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    for cursor in ("garbage", "eyJvIjoib3RoZXIiLCJ0Ijoic3RyIiwiayI6IngiLCJpIjoieSJ9"):
        r = client.get(f"/review/v1/queue?cursor={cursor}", headers=reviewer)
        assert r.status_code == 422, cursor
        assert r.json()["error"]["fields"].keys() == {"cursor"}


def test_a_limit_above_two_hundred_is_422(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    assert client.get("/review/v1/queue?limit=201", headers=reviewer).status_code == 422
    assert client.get("/review/v1/queue?limit=0", headers=reviewer).status_code == 422
    assert client.get("/review/v1/queue?limit=200", headers=reviewer).status_code == 200


def test_an_unknown_query_parameter_is_422_on_both_apis(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    r = client.get("/review/v1/queue?kind=post&sortt=newest", headers=reviewer)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_fields"
    assert r.json()["error"]["fields"].keys() == {"sortt"}
    assert client.get("/review/v1/reasons?lang=en", headers=reviewer).status_code == 422
    assert client.get("/api/v1/institutions?page=2").status_code == 422
    assert client.get("/api/v1/institutions").status_code == 200


def test_a_bad_enum_value_is_422(client, rt):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    r = client.get("/review/v1/queue?kind=letter", headers=reviewer)
    assert r.status_code == 422
    assert r.json()["error"]["fields"].keys() == {"kind"}


def test_every_route_of_both_apis_refuses_unknown_query_parameters(rt):
    app = create_app(rt, run_workers=False)
    apis = [
        route.app for route in app.routes if getattr(route, "path", "") in ("/api/v1", "/review/v1")
    ]
    assert len(apis) == 2
    for api in apis:
        for route in api.routes:
            if isinstance(route, APIRoute):
                calls = [d.call for d in route.dependant.dependencies]
                assert reject_unknown_query in calls, route.path


def test_a_forged_cursor_with_a_key_of_another_type_is_422(client, rt):
    import base64
    import json

    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    for key, kind in ((5, "int"), ("x", "str"), ("2026-01-01T00:00:00", "dt")):
        raw = json.dumps({"o": "queue.oldest", "t": kind, "k": key, "i": "x"})
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        r = client.get(f"/review/v1/queue?cursor={cursor}", headers=reviewer)
        assert r.status_code == 422, (key, r.text)


def test_the_staff_and_audit_lists_follow_their_next_links(client, rt):
    # Their sort keys are not timestamps (an email, an entry number): the cursor says so
    flow.institution(rt)
    admin = flow.staff(rt, "admin@ttd.example", ["TTD"], role="admin")
    for n in range(2):
        flow.staff(rt, f"r{n}@ttd.example", ["TTD"])
    item = fill_queue(rt, 1)[0]
    for _ in range(3):
        client.get(f"/review/v1/items/{item.id}", headers=admin)
    for path, count in (("/review/v1/staff?limit=2", 3), ("/review/v1/audit?limit=2", 3)):
        pages = _walk(client, path, admin)
        assert len(pages) >= 2 and sum(len(p) for p in pages) >= count, path
