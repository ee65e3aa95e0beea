"""A file store that cannot work stops a command at start with one line and exit code 2
(issue 13), never a traceback and never the secret: a URL that is no bucket, a bucket that is
not there, an object store nobody answers at."""

import pytest

from tests.support.s3 import ACCESS_KEY, SECRET_KEY
from tests.test_config_errors import familybook, one_line_exit_2

pytestmark = pytest.mark.backend_independent


def test_a_storage_url_that_names_no_bucket_is_one_line(tmp_path):
    line = one_line_exit_2(familybook(tmp_path, "migrate", FAMILYBOOK_STORAGE_URL="ftp://files"))
    assert "FAMILYBOOK_STORAGE_URL" in line and "s3://bucket" in line


def test_a_bucket_that_is_not_there_is_one_line(tmp_path, s3_server):
    env = s3_server.env("no-such-bucket")
    line = one_line_exit_2(familybook(tmp_path, "stuck", **env))
    assert "s3://no-such-bucket/docs" in line and "no such bucket" in line
    assert SECRET_KEY not in line and ACCESS_KEY not in line


def test_an_object_store_nobody_answers_at_is_one_line(tmp_path):
    line = one_line_exit_2(
        familybook(
            tmp_path,
            "stuck",
            FAMILYBOOK_STORAGE_URL="s3://documents",
            FAMILYBOOK_S3_ENDPOINT_URL="http://127.0.0.1:1",
            FAMILYBOOK_S3_ACCESS_KEY_ID="x",
            FAMILYBOOK_S3_SECRET_ACCESS_KEY="hunter2",
        )
    )
    assert "unreachable" in line and "hunter2" not in line


def test_an_endpoint_that_is_no_address_is_one_line(tmp_path):
    line = one_line_exit_2(
        familybook(
            tmp_path,
            "migrate",
            FAMILYBOOK_STORAGE_URL="s3://documents",
            FAMILYBOOK_S3_ENDPOINT_URL="minio:9000",
        )
    )
    assert "FAMILYBOOK_S3_ENDPOINT_URL" in line


def test_a_part_size_s3_refuses_is_one_line(tmp_path):
    line = one_line_exit_2(familybook(tmp_path, "migrate", FAMILYBOOK_S3_PART_MIB="1"))
    assert "FAMILYBOOK_S3_PART_MIB" in line


def test_an_object_store_without_credentials_is_one_line_saying_so(tmp_path):
    # No credentials anywhere boto3 looks: no ~/.aws, and never the cloud's metadata address.
    env = {"FAMILYBOOK_STORAGE_URL": "s3://documents", "HOME": str(tmp_path)}
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="")
    env["FAMILYBOOK_S3_ENDPOINT_URL"] = "http://127.0.0.1:1"
    line = one_line_exit_2(familybook(tmp_path, "stuck", **env))
    assert "no credentials" in line and "FAMILYBOOK_S3_ACCESS_KEY_ID" in line
