"""A hostile file ends as a verdict: never a hung, crashed or OOM-killed worker."""

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moderation.checks.isolation import run_checks_isolated
from tests.checks import samples

HOSTILE = "tests.checks.hostile_runners:by_name"


def verdicts(report) -> dict[str, list[str]]:
    """File name → codes of its failed outcomes."""
    names = {o.file_id: o for o in report.outcomes}
    return {
        fid: [o.code for o in report.outcomes if o.file_id == fid and not o.ok]
        for fid in names
        if fid is not None
    }


def test_real_checks_give_the_same_verdicts_in_a_child(make_file, ctx):
    good = make_file(samples.jpeg(), "photo.jpg")
    bomb = make_file(samples.png_declaring(100_000, 100_000), "bomb.png")
    report = run_checks_isolated([good, bomb], ctx)
    assert verdicts(report) == {good.file_id: [], bomb.file_id: ["image_too_many_pixels"]}
    assert report.facts[good.file_id].sanitized_path.exists()


@pytest.mark.slow  # waits out a time limit
def test_hanging_decoder_is_stopped_at_the_timeout(make_file, ctx):
    hang = make_file(samples.jpeg(), "hang.jpg")
    started = time.monotonic()
    report = run_checks_isolated([hang], ctx, timeout_s=1, runner=HOSTILE)
    assert verdicts(report) == {hang.file_id: ["check_timed_out"]}
    assert time.monotonic() - started < 10


def test_aborting_decoder_becomes_check_crashed(make_file, ctx):
    crash = make_file(samples.jpeg(), "abort.jpg")
    report = run_checks_isolated([crash], ctx, runner=HOSTILE)
    assert verdicts(report) == {crash.file_id: ["check_crashed"]}


def test_segfaulting_decoder_becomes_check_crashed(make_file, ctx):
    crash = make_file(samples.jpeg(), "segfault.jpg")
    report = run_checks_isolated([crash], ctx, runner=HOSTILE)
    assert verdicts(report) == {crash.file_id: ["check_crashed"]}


def test_memory_past_the_ceiling_becomes_check_out_of_memory(make_file, ctx):
    balloon = make_file(samples.jpeg(), "balloon.jpg")
    report = run_checks_isolated([balloon], ctx, memory_bytes=1_000_000_000, runner=HOSTILE)
    assert verdicts(report) == {balloon.file_id: ["check_out_of_memory"]}


@pytest.mark.slow  # waits out a time limit
def test_cpu_spin_is_stopped_at_the_timeout(make_file, ctx):
    spin = make_file(samples.jpeg(), "spin.jpg")
    report = run_checks_isolated([spin], ctx, timeout_s=1, runner=HOSTILE)
    assert verdicts(report) == {spin.file_id: ["check_timed_out"]}


def test_files_after_a_crash_are_still_checked(make_file, ctx):
    # Given a good file, a crashing one and another good one in one submission
    first = make_file(samples.jpeg(), "first.jpg")
    crash = make_file(samples.jpeg(), "abort.jpg")
    last = make_file(samples.jpeg(), "last.jpg")
    report = run_checks_isolated([first, crash, last], ctx, runner=HOSTILE)
    # Then each gets its own verdict
    assert verdicts(report) == {
        first.file_id: [],
        crash.file_id: ["check_crashed"],
        last.file_id: [],
    }


def test_half_written_copy_of_a_crashed_file_is_removed(make_file, ctx):
    crash = make_file(samples.jpeg(), "abort.jpg")
    report = run_checks_isolated([crash], ctx, runner=HOSTILE)
    assert report.facts[crash.file_id].sanitized_path is None
    assert list(ctx.work_dir.glob(f"{crash.file_id}.*")) == []


def test_submission_checks_still_run_in_the_parent(make_file, ctx):
    # An application without a relationship proof is missing a file, wherever it is checked
    report = run_checks_isolated([make_file(samples.jpeg(), "id.jpg")], ctx)
    assert "files_missing" in [o.code for o in report.failures]


@pytest.mark.slow  # waits out a time limit
def test_no_child_process_is_left_behind(make_file, ctx):
    run_checks_isolated([make_file(samples.jpeg(), "hang.jpg")], ctx, timeout_s=1, runner=HOSTILE)
    assert multiprocessing.active_children() == []


def test_peak_memory_of_the_child_is_reported(make_file, ctx):
    report = run_checks_isolated([make_file(samples.jpeg(), "photo.jpg")], ctx)
    assert report.peak_rss_bytes and report.peak_rss_bytes > 10_000_000


@pytest.mark.slow  # waits out a time limit
def test_total_timeout_bounds_the_whole_submission(make_file, ctx):
    # Given two hanging files, 10 s each allowed, but 2 s for the submission
    files = [make_file(samples.jpeg(), "hang-1.jpg"), make_file(samples.jpeg(), "hang-2.jpg")]
    started = time.monotonic()
    report = run_checks_isolated(files, ctx, timeout_s=10, total_timeout_s=2, runner=HOSTILE)
    # Then both are timed out within about 2 s
    assert time.monotonic() - started < 6
    assert verdicts(report) == {f.file_id: ["check_timed_out"] for f in files}


MAIN_SCRIPT = """
import sys
from pathlib import Path

# Top-level code of the program's main script, as in `familybook worker` (which imports the
# whole application here): it must run once, in the parent, never again in a checking child.
with open(sys.argv[1], "a") as marker:
    marker.write("main ran\\n")

if __name__ == "__main__":
    from moderation.checks.base import CheckContext, FileUnderCheck
    from moderation.checks.isolation import run_checks_isolated
    from moderation.file_rules import FileCategory, application_rules
    from moderation.policy import Policy
    from tests.checks import samples

    work = Path(sys.argv[2])
    photo = work / "photo"
    photo.write_bytes(samples.jpeg())
    files = [FileUnderCheck("f1", FileCategory.IDENTITY, photo, photo.stat().st_size, "a.jpg")]
    ctx = CheckContext(Policy(), application_rules(Policy()), work)
    report = run_checks_isolated(files + files, ctx)  # two files: one child checks both
    print(sorted({o.code for o in report.outcomes if o.file_id and not o.ok}))
"""


def test_child_does_not_run_the_main_script_again(tmp_path):
    script, marker = tmp_path / "main.py", tmp_path / "marker"
    script.write_text(MAIN_SCRIPT)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(script), str(marker), str(tmp_path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # the photo passed its checks in the child
    assert marker.read_text() == "main ran\n"  # and the main script ran in the parent only
