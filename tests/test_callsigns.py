"""Callsigns are 4 or 6 digits on lookup and application (issue 15, rule 6): 422
`callsign_format`, said in the portal's words 「請輸入四或六碼數字」."""

import pytest

from tests.support import flow


@pytest.mark.parametrize("callsign", ["737", "73755", "1234567", "73a5", "７３７５"])
def test_a_lookup_with_a_malformed_callsign_is_a_422(client, rt, mail, callsign):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    r = client.get(f"/api/v1/institutions/TTD/inmates/{callsign}", headers=fam.headers)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "callsign_format"
    assert "四或六碼數字" in error["message"] and "4 or 6 digits" in error["message_en"]


@pytest.mark.parametrize(("callsign", "found"), [("7375", 200), ("123456", 404)])
def test_four_and_six_digits_are_looked_up(client, rt, mail, callsign, found):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    r = client.get(f"/api/v1/institutions/TTD/inmates/{callsign}", headers=fam.headers)
    assert r.status_code == found


def test_an_application_with_a_malformed_callsign_is_a_422(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, callsign="73755")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "callsign_format"
    assert set(r.json()["error"]["fields"]) == {"callsign"}
