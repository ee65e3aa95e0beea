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
         "--relationships", "spouse,parent,cohabitant", "--applicant-photo-required"]
    )  # fmt: skip
    policy = _policy(rt)
    assert policy.max_child_age == 18
    assert (policy.post_max_files, policy.post_max_bytes, policy.post_max_file_bytes) == (
        1, 10 * MB, 10 * MB,
    )  # fmt: skip
    assert policy.allowed_types_by_category["attachments"] == ("image/jpeg", "image/png")
    assert policy.allowed_relationships == ("spouse", "parent", "cohabitant")
    assert policy.applicant_photo_required is True
    # Updating one option keeps the others, and a required photo can be switched off again
    main(["institution", "add", "TTD", "法務部矯正署臺東戒治所", "--no-applicant-photo-required"])
    assert _policy(rt).applicant_photo_required is False
    assert _policy(rt).max_child_age == 18


def test_an_unknown_relationship_code_is_refused_in_both_languages(rt, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["institution", "add", "TTD", "臺東", "--relationships", "spouse,uncle"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "uncle" in err and "可用" in err and "use spouse" in err


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


def test_institution_update_changes_one_option_and_keeps_the_name(rt, capsys):
    main(["institution", "add", "TTD", "法務部矯正署臺東戒治所", "--max-child-age", "18"])
    main(["institution", "update", "TTD", "--strikes-to-suspend", "2"])
    with writing(rt) as session:
        institution = session.scalar(select(Institution).where(Institution.code == "TTD"))
        assert institution.name == "法務部矯正署臺東戒治所"
    assert (_policy(rt).strikes_to_suspend, _policy(rt).max_child_age) == (2, 18)


def test_institution_update_of_an_unknown_code_is_refused(rt, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["institution", "update", "XXX", "--strikes-to-suspend", "2"])
    assert exit_.value.code == 2
    assert "XXX" in capsys.readouterr().err


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
