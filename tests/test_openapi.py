"""The OpenAPI documents clients generate from (issue 10): a bearer scheme on every operation
that needs a token, enums for the codes, each operation's error codes by status, the
Idempotency-Key required where it is; and docs pages that load nothing from elsewhere."""

import re

import pytest

from ingest.app import create_ingest_app
from ingest.error_table import ERRORS as INGEST_ERRORS
from review_api.app import create_review_app
from review_api.error_table import ERRORS as REVIEW_ERRORS
from tests.conftest import RUNTIME

pytestmark = pytest.mark.backend_independent

INGEST = create_ingest_app(RUNTIME).openapi()
REVIEW = create_review_app(RUNTIME).openapi()
DOCS_PAGES = (
    "/docs",
    "/redoc",
    "/api/v1/docs",
    "/api/v1/redoc",
    "/review/v1/docs",
    "/review/v1/redoc",
)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_both_apis_declare_a_bearer_scheme_on_operations_that_need_a_token():
    for schema in (INGEST, REVIEW):
        scheme = schema["components"]["securitySchemes"]["bearer"]
        assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    review = dict(_operations(REVIEW))
    assert all(op.get("security") == [{"bearer": []}] for op in review.values())
    ingest = dict(_operations(INGEST))
    assert ingest["GET /me"]["security"] == [{"bearer": []}]
    assert "security" not in ingest["POST /accounts"]
    assert "security" not in ingest["POST /sessions"]


def test_each_operation_lists_its_error_codes_by_status_with_a_description():
    review = dict(_operations(REVIEW))
    decision = review["POST /items/{item_id}/decision"]["responses"]
    assert set(decision["409"]["x-error-codes"]) >= {
        "not_claimed",
        "already_decided",
        "idempotency_key_reused",
    }
    assert "`already_decided`: the item is decided" in decision["409"]["description"]
    assert decision["401"]["x-error-codes"] == ["unauthenticated", "session_expired"]
    assert review["DELETE /staff/{staff_id}"]["responses"]["409"]["x-error-codes"] == ["last_admin"]
    for _, operation in [*_operations(REVIEW), *_operations(INGEST)]:
        assert "invalid_fields" in operation["responses"]["422"]["x-error-codes"]
        assert "database_unavailable" in operation["responses"]["503"]["x-error-codes"]
    sessions = dict(_operations(INGEST))["POST /sessions"]["responses"]
    assert "401" in sessions and sessions["401"]["x-error-codes"] == ["login_failed"]


def test_every_declared_operation_exists():
    for schema, table in ((INGEST, INGEST_ERRORS), (REVIEW, REVIEW_ERRORS)):
        present = {key for key, _ in _operations(schema)}
        assert {k for k in table if k not in present} == set()


def test_code_fields_are_enums():
    error = REVIEW["components"]["schemas"]["Error"]["properties"]["error"]
    assert "already_decided" in error["properties"]["code"]["enum"]
    schemas = REVIEW["components"]["schemas"]
    assert "off_topic" in schemas["OpenAppeal"]["properties"]["reason_code"]["enum"]
    assert "view_file" in schemas["AuditAction"]["enum"]
    assert "already_delivered" in schemas["DeliveryOutcome"]["enum"]
    assert "image_resolution_too_low" in schemas["CheckOutcome"]["properties"]["code"]["enum"]
    reason = INGEST["components"]["schemas"]["Reason"]["properties"]["code"]["enum"]
    assert {"text_too_long", "file_type", "off_topic"} <= set(reason)


def _header(operation, name):
    return next(p for p in operation["parameters"] if p["in"] == "header" and p["name"] == name)


def test_the_idempotency_key_is_required_on_decisions_and_offered_on_publishing():
    review = dict(_operations(REVIEW))
    decision = _header(review["POST /items/{item_id}/decision"], "Idempotency-Key")
    assert decision["required"] is True
    publish = _header(review["POST /institution-posts"], "Idempotency-Key")
    assert publish.get("required", False) is False


def _urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", html)


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_the_docs_pages_load_only_assets_of_the_server(client, page):
    # When a browser on a staff network without internet opens a docs page
    r = client.get(page)
    assert r.status_code == 200
    urls = _urls(r.text)
    # Then every URL it loads is a path on this server, and each answers
    assert urls, r.text
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
    scripts = [u for u in urls if u.endswith(".js")]
    assert scripts and all(len(client.get(u).content) > 100_000 for u in scripts)
