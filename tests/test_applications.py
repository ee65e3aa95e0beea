"""Service applications: eligibility, one service per inmate, limits, checks and resubmission."""

from tests.support import files, flow
from tests.support.db import writing


def test_second_applicant_for_the_same_inmate_is_refused(client, rt, mail):
    flow.institution(rt)
    first = flow.family(client, mail, "a@example.com", n=1)
    second = flow.family(client, mail, "b@example.com", n=2)
    assert flow.apply(client, first).status_code == 202
    r = flow.apply(client, second)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "inmate_has_service"


def test_restricted_inmate_cannot_be_applied_for(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, callsign="7377")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "inmate_restricted"


def test_inmate_whose_youngest_child_is_too_old_is_not_eligible(client, rt, mail):
    flow.institution(rt, max_child_age=15)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, callsign="7378")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "child_age_not_eligible"


def test_relationship_outside_the_policy_is_a_422_on_relationship(client, rt, mail):
    flow.institution(rt, max_relationship_degree=1, cohabitant_allowed=False)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, relationship="cohabitant")
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"relationship"}


def test_unknown_inmate_is_404(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    assert flow.apply(client, fam, callsign="9999").status_code == 404
    assert (
        client.get("/api/v1/institutions/TTD/inmates/9999", headers=fam.headers).status_code == 404
    )


def test_missing_relationship_document_is_a_422_and_stores_nothing(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    only_id = flow.application_files()[:1]
    r = flow.apply(client, fam, files_=only_id)
    assert r.status_code == 422
    assert "relationship_documents" in r.json()["error"]["fields"]
    assert rt.files.count() == 0


def test_over_limit_upload_is_413_and_leaves_no_file_behind(client, rt, mail):
    flow.institution(rt, max_application_bytes=2 * 1024 * 1024)
    fam = flow.family(client, mail, "a@example.com")
    big = (
        "relationship_documents",
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), "application/pdf"),
    )
    r = flow.apply(client, fam, files_=[*flow.application_files()[:1], big])
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "upload_too_large"
    assert rt.files.count() == 0
    assert rt.files.temporary_count() == 0


def test_upload_over_the_request_ceiling_is_cut_off_while_streaming(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    rt.settings.max_request_bytes = 1024 * 1024
    try:
        big = (
            "identity_documents",
            ("big.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024), "image/jpeg"),
        )
        r = flow.apply(client, fam, files_=[big, *flow.application_files()[1:]])
    finally:
        rt.settings.max_request_bytes = 32 * 1024 * 1024
    assert r.status_code == 413
    assert rt.files.count() == 0
    assert rt.files.temporary_count() == 0


def test_unverified_family_cannot_apply(client, rt):
    flow.institution(rt)
    client.post("/api/v1/accounts", json=flow.registration("u@example.com"))
    # A session cannot even be opened before verification.
    r = client.post("/api/v1/sessions", json={"email": "u@example.com", "password": flow.PASSWORD})
    assert r.status_code == 403


def test_a_file_whose_content_is_not_an_allowed_type_goes_to_needs_fix(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    html = (
        "identity_documents",
        ("id.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
    )
    app_id = flow.apply(client, fam, files_=[html, *flow.application_files()[1:]]).json()["id"]
    body = flow.wait_status(client, fam, app_id, {"needs_fix"})
    assert body["status_label"] == "待補件"
    assert "file_type" in {reason["code"] for reason in body["reasons"]}
    assert all(reason["message"] and reason["message_en"] for reason in body["reasons"])


def test_a_too_small_document_photo_goes_to_needs_fix(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    tiny = ("identity_documents", ("id.png", files.tiny_png(), "image/png"))
    app_id = flow.apply(client, fam, files_=[tiny, *flow.application_files()[1:]]).json()["id"]
    body = flow.wait_status(client, fam, app_id, {"needs_fix"})
    assert "image_resolution_too_low" in {reason["code"] for reason in body["reasons"]}


def test_needs_fix_is_resubmitted_as_a_new_attempt_with_history_kept(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    tiny = ("identity_documents", ("id.png", files.tiny_png(), "image/png"))
    app_id = flow.apply(client, fam, files_=[tiny, *flow.application_files()[1:]]).json()["id"]
    flow.wait_status(client, fam, app_id, {"needs_fix"})
    r = flow.resubmit(client, fam, app_id)
    assert r.status_code == 202
    assert r.json()["attempt"] == 2
    body = flow.wait_status(client, fam, app_id, {"awaiting_review"})
    assert [a["status"] for a in body["attempts"]] == ["needs_fix", "awaiting_review"]


def test_resubmission_is_refused_while_under_review(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    stored_before = rt.files.count()
    r = flow.resubmit(client, fam, app_id)
    assert r.status_code == 409
    assert rt.files.count() == stored_before  # the refused attempt's files were not kept


def test_an_application_left_unfixed_for_months_no_longer_blocks_the_inmate(client, rt, mail):
    from datetime import timedelta

    from sqlalchemy import update

    from storage.models import Submission, utcnow

    # Given a family whose application was sent back and never fixed
    flow.institution(rt, needs_fix_hold_days=60)
    first = flow.family(client, mail, "a@example.com", n=1)
    page = ("identity_documents", ("id.jpg", b"<html></html>", "image/jpeg"))
    app_id = flow.apply(client, first, files_=[page, *flow.application_files()[1:]]).json()["id"]
    flow.wait_status(client, first, app_id, {"needs_fix"})
    second = flow.family(client, mail, "b@example.com", n=2)
    assert flow.apply(client, second).status_code == 409  # still held after a day
    # When 61 days pass
    with writing(rt) as session:
        session.execute(update(Submission).values(status_changed_at=utcnow() - timedelta(days=61)))
    # Then another family of the inmate may apply, and the first one's late fix is refused
    assert flow.apply(client, second).status_code == 202
    late = flow.resubmit(client, first, app_id)
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "inmate_has_service"
