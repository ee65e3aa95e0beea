"""Bad input, timeouts and a dead tesseract: never an exception, always "not found"."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from moderation.ocr import (
    Declared,
    OcrSource,
    Status,
    engine,
    prefill_identity_document,
    prefill_relationship_document,
)
from tests.ocr.conftest import prefill
from tests.ocr.docgen import Case, declared_for, make_card_case

DECLARED = Declared("王小明", "A123456789", date(1986, 3, 5), "王大同", "parent")
CORPUS = Path("/work/shared/corpus")


def _all_not_found(fields) -> bool:
    return bool(fields) and all(f.status == Status.NOT_FOUND for f in fields)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not an image at all",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
        b"\xff\xd8\xff\xe0" + b"\0" * 100,
        b"%PDF-1.7\n%broken",
    ],
)
def test_unreadable_files_give_not_found(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "upload.png"
    path.write_bytes(content)
    assert _all_not_found(prefill_identity_document([OcrSource(path)], DECLARED))
    fields = prefill_relationship_document([OcrSource(path)], DECLARED)
    assert _all_not_found(fields) and len(fields) == 5


def test_missing_file_and_no_sources(tmp_path: Path) -> None:
    assert _all_not_found(prefill_identity_document([OcrSource(tmp_path / "gone.jpg")], DECLARED))
    assert _all_not_found(prefill_identity_document([], DECLARED))


#: Real bad files from pypdf's and Pillow's test suites: encrypted, broken, truncated, or a
#: PDF that is not a scan (text and vector drawing only, so it is rasterised), and a decoder the
#: OCR stage must not use at all (a TIFF renamed .png).
BAD_FILES = [
    "pypdf-resources/encrypted-file.pdf",
    "pypdf-resources/crazyones-encrypted-256.pdf",
    "pypdf-resources/libreoffice-writer-password.pdf",
    "pypdf-resources/issue-301.pdf",
    "pypdf-resources/hello-world.pdf",
    "pillow-test-images/broken.png",
    "pillow-test-images/broken_data_stream.png",
    "pillow-test-images/broken_exif_dpi.jpg",
    "pillow-test-images/crash-2020-10-test.tif",
]


@pytest.mark.slow  # real tesseract on every page
@pytest.mark.parametrize("name", BAD_FILES)
def test_real_bad_files_from_other_projects(tmp_path: Path, name: str) -> None:
    src = CORPUS / name
    if not src.exists():
        pytest.skip(f"{src} not in the shared corpus")
    path = tmp_path / ("upload.png" if src.suffix == ".tif" else src.name)
    path.write_bytes(src.read_bytes())
    fields = prefill_identity_document([OcrSource(path)], DECLARED, timeout_s=3)
    assert all(f.status != Status.MATCH for f in fields)


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Case:
    return make_card_case(7, "scan", tmp_path_factory.mktemp("card"))


@pytest.mark.slow
def test_timeout_gives_not_found_and_the_engine_recovers(card: Case) -> None:
    case = card
    t0 = time.monotonic()
    fields = prefill_identity_document([OcrSource(case.path)], declared_for(case), timeout_s=0.05)
    assert time.monotonic() - t0 < 2
    assert _all_not_found(fields)
    # The next document is read normally (the killed tesseract child is restarted).
    assert prefill(case)["national_id"].status == Status.MATCH


@pytest.mark.slow
def test_a_crashed_tesseract_is_replaced(card: Case) -> None:
    case = card
    assert prefill(case)["national_id"].status == Status.MATCH
    pool = engine._engine
    if not isinstance(pool, engine.PoolEngine) or not pool.procs():
        pytest.skip("CLI engine: one process per image, nothing to crash")
    for proc in pool.procs():
        proc.kill()  # as the kernel would on the memory limit
        proc.wait()
    assert prefill(case)["national_id"].status == Status.MATCH


@pytest.mark.slow
def test_a_known_dpi_is_used(card: Case) -> None:
    case = card
    fields = prefill_identity_document([OcrSource(case.path, dpi=300)], declared_for(case))
    assert all(f.status == Status.MATCH for f in fields)


@pytest.mark.slow
def test_the_tesseract_command_engine_reads_the_same(card: Case) -> None:
    # The fallback when libtesseract cannot be loaded in the pool child.
    engine.use_engine("cli")
    try:
        fields = prefill_identity_document([OcrSource(card.path)], declared_for(card))
    finally:
        engine.use_engine("pool")
    assert [f.status for f in fields] == [Status.MATCH] * 3


def test_a_pool_child_that_cannot_start_falls_back_to_the_command(card: Case, monkeypatch) -> None:
    # Given a tesseract child that exits at once (as with a missing libtesseract or model)
    pool = engine.PoolEngine()
    monkeypatch.setattr(engine, "LANG", "no_such_language")
    image = Image.open(card.path)
    assert pool.ocr(image, 300, 10) is None  # this image: not found, no exception
    assert pool._fallback is not None
    monkeypatch.setattr(engine, "LANG", "chi_tra")
    assert pool.ocr(image, 300, 10)  # later images: read by the tesseract command
