"""Bad configuration stops a command with one readable line and exit code 2 (API.md:
Operations), run as a real `familybook` process with the environment an operator would give."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.backend_independent


def familybook(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in a child process on a fresh data dir (SQLite unless told)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYBOOK_")}
    clean.update(FAMILYBOOK_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "familybook.cli", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line_exit_2(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_unparseable_database_url_is_one_line(tmp_path):
    line = one_line_exit_2(
        familybook(tmp_path, "migrate", FAMILYBOOK_DATABASE_URL="postgresql+psycopg:/nowhere")
    )
    assert "FAMILYBOOK_DATABASE_URL" in line


def test_a_database_url_of_an_unknown_kind_is_one_line(tmp_path):
    line = one_line_exit_2(
        familybook(tmp_path, "migrate", FAMILYBOOK_DATABASE_URL="mysql://u:secret@h/db")
    )
    assert "FAMILYBOOK_DATABASE_URL" in line and "secret" not in line


def test_an_unreachable_database_at_start_is_one_line_without_the_password(tmp_path):
    url = "postgresql+psycopg://fb:hunter2@127.0.0.1:1/familybook"
    line = one_line_exit_2(familybook(tmp_path, "migrate", FAMILYBOOK_DATABASE_URL=url))
    assert "unreachable" in line and "127.0.0.1" in line and "hunter2" not in line


def test_negative_lease_minutes_are_refused(tmp_path):
    line = one_line_exit_2(familybook(tmp_path, "migrate", FAMILYBOOK_CLAIM_LEASE_MINUTES="-5"))
    assert "FAMILYBOOK_CLAIM_LEASE_MINUTES" in line and "-5" in line


def test_a_worker_without_redis_says_it_needs_the_redis_url(tmp_path):
    line = one_line_exit_2(familybook(tmp_path, "worker"))
    assert "FAMILYBOOK_REDIS_URL" in line


def test_zero_strikes_and_a_file_limit_above_the_total_are_refused(tmp_path):
    assert familybook(tmp_path, "migrate").returncode == 0
    line = one_line_exit_2(
        familybook(tmp_path, "institution", "add", "TTD", "臺東", "--strikes-to-suspend", "0")
    )
    assert "strikes_to_suspend" in line
    args = ("institution", "add", "TTD", "臺東", "--post-max-mb", "10", "--post-max-file-mb", "20")
    line = one_line_exit_2(familybook(tmp_path, *args))
    assert "post_max_file_bytes" in line


def test_migrate_check_exits_1_until_the_schema_is_at_head(tmp_path):
    assert familybook(tmp_path, "migrate", "--check").returncode == 1
    assert familybook(tmp_path, "migrate").returncode == 0
    done = familybook(tmp_path, "migrate", "--check")
    current, head = done.stdout.split("database at ")[1].strip().split(", code at ")
    assert done.returncode == 0 and current == head


def test_a_production_worker_refuses_a_schema_not_migrated_yet(tmp_path):
    redis = os.environ.get("FAMILYBOOK_TEST_REDIS_URL", "redis://localhost:6379/15")
    line = one_line_exit_2(familybook(tmp_path, "worker", FAMILYBOOK_REDIS_URL=redis))
    assert "familybook migrate" in line


def test_several_api_processes_need_redis_and_postgresql(tmp_path):
    line = one_line_exit_2(familybook(tmp_path, "serve", "--processes", "2"))
    assert "FAMILYBOOK_REDIS_URL" in line and "PostgreSQL" in line


def test_zero_api_threads_are_refused(tmp_path):
    line = one_line_exit_2(familybook(tmp_path, "migrate", FAMILYBOOK_API_THREADS="0"))
    assert "FAMILYBOOK_API_THREADS" in line and "0" in line
