"""A real S3-compatible server for the object-storage tests: moto in server mode, its own
process on a free loopback port, spoken to over HTTP by boto3 exactly as MinIO or AWS would be
(no in-process mock). Started once per test session, always stopped by its process id."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.support.mail import free_port

#: moto takes any credentials; the API and workers get these through the environment.
ACCESS_KEY, SECRET_KEY, REGION = "familybook-test", "familybook-test-secret", "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        from storage.s3files import connect

        return connect(self.endpoint_url, REGION, ACCESS_KEY, SECRET_KEY)

    def new_bucket(self) -> str:
        """A fresh bucket per test: no test sees another's objects."""
        name = f"fb-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def env(self, bucket: str, prefix: str = "docs") -> dict[str, str]:
        """The settings a process needs to keep its documents in `bucket`."""
        return {
            "FAMILYBOOK_STORAGE_URL": f"s3://{bucket}/{prefix}",
            "FAMILYBOOK_S3_ENDPOINT_URL": self.endpoint_url,
            "FAMILYBOOK_S3_REGION": REGION,
            "FAMILYBOOK_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "FAMILYBOOK_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }


@contextmanager
def moto_server() -> Iterator[S3Server]:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = S3Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                server.client().list_buckets()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
