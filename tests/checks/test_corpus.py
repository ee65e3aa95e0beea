"""Every file of two public test corpora gets a verdict, in a child, without a crash or hang.

The corpora (`shared/corpus/`, a sibling of the repository in CI) hold Pillow's test images
(every format, truncated files, fuzzer crashers, bombs) and pypdf's test PDFs (encrypted,
malformed, attachments, forms). The checks run once for the module, the way workers run them
(`run_checks_isolated`), in batches on a small pool so that the run fits well under a minute
on 2 cores; each test then looks at one property of the result.

The resolution minimum is set to 1 px here: most test images are tiny, and refusing them for
size would skip the decode, orientation and sanitize steps this corpus exists to exercise.
"""

import multiprocessing
import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from moderation.checks.base import (
    CheckContext,
    CheckReport,
    FileFacts,
    FileUnderCheck,
)
from moderation.checks.isolation import run_checks_isolated
from moderation.file_rules import FileCategory, post_rules
from moderation.policy import Policy

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("pillow-test-images", "pypdf-resources")


def _find_corpus() -> Path:
    """FAMILYBOOK_TEST_CORPUS if set; else `shared/corpus` beside the repository (the team's
    checkout), or where the team's machines keep it (a clean clone may live anywhere)."""
    if os.environ.get("FAMILYBOOK_TEST_CORPUS"):
        return Path(os.environ["FAMILYBOOK_TEST_CORPUS"])
    candidates = [REPO.parent / "shared" / "corpus", Path("/work/shared/corpus")]
    return next((c for c in candidates if all((c / f).is_dir() for f in FOLDERS)), candidates[0])


CORPUS = _find_corpus()
#: Files per child process: a child's start costs ~15 ms, a crash costs the rest of a batch.
BATCH = 40
#: Generous per-file timeout: nothing legitimate comes close; a hang still ends the test.
TIMEOUT_S = 20
#: Verdicts that mean the isolation caught something the checks themselves did not.
CHILD_DEATHS = {"check_crashed", "check_timed_out", "check_out_of_memory", "check_error"}
#: Pillow's names for files it keeps because they are damaged or hostile.
DAMAGED_NAME = re.compile(r"truncated|broken|crash|oom|timeout|bomb", re.IGNORECASE)
#: Damaged-named files that are nonetheless accepted, because what is damaged is metadata
#: and the pixels decode in full (Pillow's own tests open them for that reason). Each is
#: also checked below: its scan data ends in EOI and no bottom row is libjpeg's grey fill.
DAMAGED_BUT_WHOLE = {
    # An Adobe APP14 segment shorter than its 12 bytes; the image data after it is intact.
    "pillow-test-images/truncated_app14.jpg",
    # EXIF whose resolution entries point past the block; pixels intact.
    "pillow-test-images/broken_exif_dpi.jpg",
    "pillow-test-images/truncated_exif_dpi.jpg",
    # A malformed Photoshop (APP13) resource block; pixels intact.
    "pillow-test-images/photoshop-200dpi-broken.jpg",
}

pytestmark = [
    pytest.mark.slow,
    # The checks do not touch the database: one pass of CI's two backends is enough.
    pytest.mark.skipif(
        os.environ.get("FAMILYBOOK_TEST_BACKEND") == "production",
        reason="backend-independent; runs in the embedded pass",
    ),
    pytest.mark.skipif(
        not all((CORPUS / f).is_dir() for f in FOLDERS),
        reason=f"corpus not found at {CORPUS} (set FAMILYBOOK_TEST_CORPUS)",
    ),
]


@dataclass
class CorpusRun:
    files: list[FileUnderCheck] = field(default_factory=list)
    reports: list[CheckReport] = field(default_factory=list)
    verdicts: dict[Path, str] = field(default_factory=dict)
    facts: dict[Path, FileFacts] = field(default_factory=dict)
    #: Passed outcomes that still tell the reviewer something (trailing data, frames).
    notes: Counter[str] = field(default_factory=Counter)
    open_fds_before: int = 0
    open_fds_after: int = 0


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    paths = sorted(p for folder in FOLDERS for p in (CORPUS / folder).rglob("*") if p.is_file())
    files = [
        FileUnderCheck(f"c{i}", FileCategory.ATTACHMENT, p, p.stat().st_size, p.name)
        for i, p in enumerate(paths)
    ]
    policy = Policy(min_document_pixels_short_side=1, min_photo_pixels_short_side=1)
    ctx = CheckContext(policy, post_rules(policy), tmp_path_factory.mktemp("corpus-work"))
    run_checks_isolated(files[:1], ctx)  # start the forkserver before counting descriptors
    run = CorpusRun(files=files, open_fds_before=_open_fds())
    # Dealt round-robin, so the slow PDFs (rendering) are spread over all batches
    n_batches = -(-len(files) // BATCH)
    batches = [files[i::n_batches] for i in range(n_batches)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        reports = list(
            pool.map(lambda b: run_checks_isolated(b, ctx, timeout_s=TIMEOUT_S), batches)
        )
    run.open_fds_after = _open_fds()
    run.reports = reports
    by_id = {f.file_id: f.path for f in files}
    for report in reports:
        for file_id, facts in report.facts.items():
            run.verdicts[by_id[file_id]] = _verdict(report, file_id)
            run.facts[by_id[file_id]] = facts
        run.notes.update(o.code for o in report.outcomes if o.ok and o.message != "通過")
    return run


def _verdict(report: CheckReport, file_id: str) -> str:
    failures = [o.code for o in report.outcomes if o.file_id == file_id and not o.ok]
    return failures[0] if failures else "accepted"


def test_every_file_gets_exactly_one_verdict(corpus_run: CorpusRun) -> None:
    # Each file is reported by exactly one batch, with at least one outcome of its own
    reported = Counter(file_id for r in corpus_run.reports for file_id in r.facts)
    assert set(reported) == {f.file_id for f in corpus_run.files}
    assert max(reported.values()) == 1
    with_outcomes = {o.file_id for r in corpus_run.reports for o in r.outcomes}
    assert {f.file_id for f in corpus_run.files} <= with_outcomes
    on_disk = [p for f in FOLDERS for p in (CORPUS / f).rglob("*") if p.is_file()]
    assert len(corpus_run.verdicts) == len(on_disk)


def test_accepted_files_have_a_sanitized_copy_and_refused_ones_none(corpus_run: CorpusRun):
    for path, verdict in corpus_run.verdicts.items():
        facts = corpus_run.facts[path]
        if verdict == "accepted":
            assert facts.sanitized_path is not None and facts.sanitized_path.is_file(), path
            assert facts.preview_path is not None and facts.preview_path.is_file(), path
        else:
            assert facts.sanitized_path is None, path


def test_damaged_files_are_never_accepted_unless_their_pixels_are_whole(corpus_run: CorpusRun):
    # Given Pillow's truncated, broken, crash, oom, timeout and bomb samples
    damaged = {
        p.relative_to(CORPUS).as_posix(): v
        for p, v in corpus_run.verdicts.items()
        if DAMAGED_NAME.search(p.name)
    }
    assert len(damaged) >= 50  # the pattern still finds Pillow's 60 samples
    # Then none gets a sanitized copy, except the listed ones with only their metadata broken
    accepted = {name for name, verdict in damaged.items() if verdict == "accepted"}
    assert accepted == DAMAGED_BUT_WHOLE
    for name in DAMAGED_BUT_WHOLE:
        assert (CORPUS / name).read_bytes().endswith(b"\xff\xd9"), name
        facts = corpus_run.facts[CORPUS / name]
        assert facts.sanitized_path is not None
        assert not _ends_in_decoder_fill(Image.open(facts.sanitized_path)), name


def _ends_in_decoder_fill(img: Image.Image) -> bool:
    """Whether the last 8 rows are flat mid-grey: what libjpeg paints for missing data."""
    bottom = img.convert("RGB").crop((0, img.height - 8, img.width, img.height))
    return all(low >= 120 and high <= 136 for low, high in bottom.getextrema())


def test_no_file_needs_the_isolation_to_get_its_verdict(corpus_run: CorpusRun) -> None:
    # No check times out, runs out of memory or kills the child on any of these files: the
    # isolation catches that, but each one is a bug to look at
    deaths = {p.name: v for p, v in corpus_run.verdicts.items() if v in CHILD_DEATHS}
    assert deaths == {}


def test_known_bad_files_get_the_expected_verdicts(corpus_run: CorpusRun) -> None:
    by_name = {p.relative_to(CORPUS).as_posix(): v for p, v in corpus_run.verdicts.items()}
    assert by_name["pillow-test-images/truncated_jpeg.jpg"] == "image_unreadable"
    assert by_name["pillow-test-images/hopper.jpg"] == "accepted"
    assert by_name["pypdf-resources/attachment.pdf"] == "pdf_embedded_file"
    assert by_name["pypdf-resources/issue-297.pdf"] == "pdf_javascript"
    assert by_name["pypdf-resources/encryption/r6-user-password.pdf"] == "pdf_encrypted"
    assert by_name["pypdf-resources/encryption/r2-owner-password.pdf"] == "accepted"
    # A second PDF appended to the first (Pillow's append bug): two documents in one
    assert by_name["pillow-test-images/duplicate_xref_entry.pdf"] == "file_polyglot"
    # Pillow's bombs are GIF and ICO: refused by type before any decoder (ours are in
    # test_images: a PNG and a JPEG declaring gigapixels)
    assert by_name["pillow-test-images/decompression_bomb.gif"] == "file_type"


def test_no_descriptors_or_children_leak(corpus_run: CorpusRun) -> None:
    assert corpus_run.open_fds_after <= corpus_run.open_fds_before
    assert multiprocessing.active_children() == []


def test_print_the_counts(corpus_run: CorpusRun, capsys: pytest.CaptureFixture[str]) -> None:
    counts = Counter(corpus_run.verdicts.values())
    with capsys.disabled():
        print(f"\ncorpus verdicts ({len(corpus_run.verdicts)} files):")
        for verdict, n in counts.most_common():
            print(f"  {n:5d}  {verdict}")
        print("notes on accepted files:", {str(k): n for k, n in corpus_run.notes.items()})
    assert sum(counts.values()) == len(corpus_run.files)
    assert counts["accepted"] > 0
