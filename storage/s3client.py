"""The boto3 client of the object store and how its failures reach the API (issue 13)."""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from storage.blobs import storage_unavailable

log = logging.getLogger(__name__)


@contextmanager
def answering() -> Iterator[None]:
    """The store not answering (or failing after boto3's retries) while a file is being kept:
    our 503 `storage_unavailable`, which the web answers and a worker's message retries."""
    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        log.warning("object store failed: %s", type(exc).__name__)
        raise storage_unavailable() from exc


class Exact:
    """A response body whose `read(n)` returns n bytes until the end (the decryptor's need:
    the HTTP stream may hand back fewer)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def read(self, n: int) -> bytes:
        out = self._body.read(n)
        while len(out) < n:
            more = self._body.read(n - len(out))
            if not more:
                break
            out += more
        return bytes(out)


def connect(
    endpoint_url: str,
    region: str,
    access_key_id: str,
    secret_access_key: str,
) -> Any:
    """A boto3 S3 client. Empty values leave boto3 its own (AWS_* variables, instance roles);
    a custom endpoint (MinIO, Ceph, moto) is addressed path-style, as they expect."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=config,
    )
