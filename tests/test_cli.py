"""The operators' command line (API.md: `familybook …`), run in-process on the test database."""

import pytest
from sqlalchemy import select

from familybook.cli import main
from moderation.policy import MB, Policy
from storage.models import Inmate, Institution
from tests.support import flow
from tests.support.db import writing


def _policy(rt, code="TTD") -> Policy:
    with writing(rt) as session:
        institution = session.scalar(select(Institution).where(Institution.code == code))
        return Policy.from_json(institution.policy)


def test_institution_add_sets_taitungs_policy(rt, capsys):
    main(
        ["institution", "add", "TTD", "法務部矯正署臺東戒治所", "--max-child-age", "18",
         "--post-max-files", "1", "--post-max-mb", "10", "--post-types", "image/jpeg,image/png",
         "--max-relationship-degree", "2", "--cohabitant-allowed", "--applicant-photo-required",
         "--suspension-mode", "proposed",
         "--contact", "李社工師|社工師|(089) 581-014|119",
         "--contact", "黃輔導員|輔導員|(089) 581-014|112"]
    )  # fmt: skip
    policy = _policy(rt)
    assert policy.max_child_age == 18
    assert (policy.post_max_files, policy.post_max_bytes, policy.post_max_file_bytes) == (
        1, 10 * MB, 10 * MB,
    )  # fmt: skip
    assert policy.allowed_types_by_category["attachments"] == ("image/jpeg", "image/png")
    # Taitung's rule: 「配偶或其二親等內之親屬，或與收容人子女共居之家屬」
    assert (policy.max_relationship_degree, policy.spouse_allowed, policy.cohabitant_allowed) == (
        2, True, True,
    )  # fmt: skip
    assert policy.suspension_mode == "proposed"
    with writing(rt) as session:
        contacts = session.scalar(select(Institution.contacts).where(Institution.code == "TTD"))
    assert contacts[1] == {
        "name": "黃輔導員", "title": "輔導員", "phone": "(089) 581-014", "extension": "112"
    }  # fmt: skip
    assert policy.applicant_photo_required is True
    # Updating one option keeps the others, and a required photo can be switched off again
    main(["institution", "add", "TTD", "法務部矯正署臺東戒治所", "--no-applicant-photo-required"])
    assert _policy(rt).applicant_photo_required is False
    assert _policy(rt).max_child_age == 18


def test_an_institution_added_with_no_options_follows_the_agency_wide_rule(rt, capsys):
    main(["institution", "add", "HLD", "法務部矯正署花蓮看守所"])
    policy = _policy(rt, "HLD")
    # 「得由配偶或其一親等內之親屬」: spouse or first degree, nobody else
    assert (policy.max_relationship_degree, policy.spouse_allowed, policy.cohabitant_allowed) == (
        1, True, False,
    )  # fmt: skip
    assert (policy.suspension_months, policy.suspension_days) == (1, 0)
    assert policy.suspension_mode == "automatic"


def test_a_malformed_contact_is_refused_in_both_languages(rt, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["institution", "add", "TTD", "臺東", "--contact", "李社工師"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "姓名|職稱|電話|分機" in err and "name|title|phone|extension" in err


def test_inmates_import_then_staff_add_prints_a_working_token(client, rt, capsys, tmp_path):
    main(["institution", "add", "TTD", "臺東戒治所"])
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "callsign,name,youngest_child_birth_date,restricted_until,restriction_reason\n"
        "7375,王大明,2016-04-01,,\n123456,陳志強,2012-09-15,2099-01-01,禁止接見通信\n",
        encoding="utf-8",
    )
    main(["inmates", "import", "TTD", str(roster)])
    with writing(rt) as session:
        assert sorted(session.scalars(select(Inmate.callsign))) == ["123456", "7375"]
    capsys.readouterr()
    main(["staff", "add", "r@ttd.example", "--institution", "TTD", "--role", "reviewer"])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert client.get("/review/v1/queue", headers=flow.bearer(token)).status_code == 200


def test_staff_add_with_a_name_shows_it_and_without_one_the_email(rt, capsys):
    from storage.models import Staff

    main(["institution", "add", "TTD", "臺東戒治所"])
    main(["staff", "add", "Lin@ttd.example", "--institution", "TTD", "--name", "林社工"])
    main(["staff", "add", "chen@ttd.example", "--institution", "TTD"])
    # Re-keying keeps the name given before
    main(["staff", "rotate", "lin@ttd.example"])
    with writing(rt) as session:
        names = {e: n for e, n in session.execute(select(Staff.email, Staff.name))}
    assert names == {"lin@ttd.example": "林社工", "chen@ttd.example": "chen@ttd.example"}
