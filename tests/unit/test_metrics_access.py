"""The rule of who reads the metrics (core/metrics_access.py), case by case."""

import pytest

from core.metrics_access import Access, is_loopback, metrics_access

TOKEN = "s3cret-token"


def _access(token="", production=False, authorization=None, loopback=False) -> Access:
    return metrics_access(
        token=token, production=production, authorization=authorization, loopback_client=loopback
    )


@pytest.mark.parametrize(
    ("authorization", "expected"),
    [
        (f"Bearer {TOKEN}", Access.ALLOWED),
        (f"bearer {TOKEN}", Access.ALLOWED),  # the scheme is case-insensitive (RFC 7235)
        (f"Bearer {TOKEN}x", Access.NO_TOKEN),
        (f"Basic {TOKEN}", Access.NO_TOKEN),
        (TOKEN, Access.NO_TOKEN),
        ("Bearer 令牌", Access.NO_TOKEN),  # non-ASCII compares, and fails, without an error
        (None, Access.NO_TOKEN),
    ],
)
def test_a_token_is_needed_whatever_the_client_or_environment(authorization, expected):
    for production in (False, True):
        for loopback in (False, True):
            assert _access(TOKEN, production, authorization, loopback) == expected


def test_without_a_token_production_serves_only_a_trusted_loopback_client():
    assert _access(production=False) == Access.ALLOWED
    assert _access(production=True, loopback=True) == Access.ALLOWED
    assert _access(production=True, loopback=False) == Access.REFUSED


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("0.0.0.0", False),
        ("localhost", False),  # a name is what a client says, not where it is
        ("testclient", False),
        (None, False),
    ],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback
