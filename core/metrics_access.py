"""Who may read the metrics (issue 13). Metrics name institutions, queue depths and error rates:
nothing personal, but not for the internet either.

- `FAMILYBOOK_METRICS_TOKEN` (or `FAMILYBOOK_METRICS_TOKEN_FILE`) set: only a request with
  `Authorization: Bearer <token>`, compared in constant time.
- No token, development: open, as a newcomer's `curl localhost:8000/metrics` expects.
- No token, production: refused, except where the caller vouches that the client address can
  be trusted to be this machine (a worker's own metrics port, which no proxy fronts). The API's
  `/metrics` never trusts it: behind a reverse proxy on the same machine every request comes
  from 127.0.0.1, and a proxy that does not set X-Forwarded-For would publish the metrics.
"""

import hmac
import ipaddress
from enum import Enum


class Access(Enum):
    ALLOWED = "allowed"
    #: 401: a token is configured and this request did not bring it.
    NO_TOKEN = "no_token"
    #: 403: production with no token configured: nobody may read them from here.
    REFUSED = "refused"


def metrics_access(
    *, token: str, production: bool, authorization: str | None, loopback_client: bool
) -> Access:
    if token:
        return Access.ALLOWED if _bearer_matches(authorization, token) else Access.NO_TOKEN
    if not production or loopback_client:
        return Access.ALLOWED
    return Access.REFUSED


def _bearer_matches(authorization: str | None, token: str) -> bool:
    scheme, _, given = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    # Bytes, so any character compares in constant time (compare_digest refuses non-ASCII str).
    return hmac.compare_digest(given.strip().encode(), token.encode())


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 and an IPv4-mapped loopback; a name (or nothing) is not."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))
