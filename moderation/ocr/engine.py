"""Running tesseract with time and memory limits, outside the worker process.

Two engines behind one function, `ocr_words`:
- `PoolEngine` (default): one long-lived child per worker process that keeps the model loaded
  (`_tess_child.py`, libtesseract through ctypes). Saves the 0.2-0.6 s start-up per image.
- `CliEngine`: the `tesseract` command per image; used when libtesseract cannot be loaded or
  the settings ask for it (FAMILYBOOK_OCR_ENGINE=cli, applied by the worker pool).
Both get OMP_THREAD_LIMIT=1 (OpenMP threads only slow tesseract down on a busy 2-core box), an
address-space limit, `-l chi_tra` (adding eng makes Chinese worse) and always a DPI (the guess
for images without one wrecks the page layout). A timeout or crash returns None; the caller then
reports the fields as not found.
"""

from __future__ import annotations

import logging
import os
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytesseract
from PIL import Image

from .text import Word

log = logging.getLogger(__name__)

LANG = "chi_tra"
#: Fully automatic layout; --psm 6 (single block) destroys a whole register table.
PSM_AUTO = 3
#: One uniform block of lines: for the reader's digests, where layout analysis has been done
#: already and every row of the digest is one line of the page.
PSM_BLOCK = 6
#: Address-space ceiling for a tesseract process. Measured for an A4 page at 250 dpi: VmPeak
#: 160 MB (RSS 110 MB); the headroom is for unusual pages, the ceiling for crafted ones.
MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024
#: A pool child is replaced after this many images, so that a slow leak cannot accumulate.
IMAGES_PER_CHILD = 500
_CHILD = Path(__file__).with_name("_tess_child.py")
_HEADER = struct.Struct("<4sIIII")


def _env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "OMP_THREAD_LIMIT": "1",
        "LANG": "C.UTF-8",
    }


def parse_tsv(tsv: str) -> list[Word]:
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) == 12 and cols[0] == "5" and cols[11].strip():
            left, top, width, height = map(int, cols[6:10])
            words.append(Word(cols[11].strip(), left, top, width, height, float(cols[10])))
    return words


#: pytesseract runs one command; this wrapper puts that command under the memory ceiling and
#: one OpenMP thread (leptonica, under tesseract, has had CVEs on crafted images).
_WRAPPER_SCRIPT = f"""#!/bin/sh
ulimit -v {MEMORY_LIMIT_BYTES // 1024} 2>/dev/null
ulimit -c 0
OMP_THREAD_LIMIT=1 exec tesseract "$@"
"""
_wrapper_lock = threading.Lock()
_wrapper_path: Path | None = None


def _wrapper() -> Path:
    """Written once per process into a private temp dir: a wheel need not keep an exec bit."""
    global _wrapper_path
    with _wrapper_lock:
        if _wrapper_path is None or not _wrapper_path.exists():
            folder = Path(tempfile.mkdtemp(prefix="familybook-tesseract-"))
            path = folder / "tesseract"
            path.write_text(_WRAPPER_SCRIPT)
            path.chmod(0o700)
            _wrapper_path = path
        return _wrapper_path


class CliEngine:
    """pytesseract: the tesseract command, one process per image (model loaded each time)."""

    def ocr(
        self, img: Image.Image, dpi: int, timeout_s: float, psm: int = PSM_AUTO
    ) -> list[Word] | None:
        pytesseract.pytesseract.tesseract_cmd = str(_wrapper())
        config = f"--dpi {dpi} --psm {psm} --oem 1 -c tessedit_do_invert=0"
        try:
            tsv = pytesseract.image_to_data(
                img.convert("L"), lang=LANG, config=config, timeout=timeout_s
            )
        except (RuntimeError, pytesseract.TesseractError, OSError) as exc:
            log.warning("tesseract failed: %s", exc)
            return None
        return parse_tsv(str(tsv))


class PoolEngine:
    """One persistent tesseract child; restarted after a timeout, crash or protocol error."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one image at a time per child
        self._fallback: CliEngine | None = None
        self._served = 0

    def _start(self, deadline: float) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(_CHILD), LANG, str(MEMORY_LIMIT_BYTES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        self._proc = proc  # so that a timeout below kills it
        try:
            ready = self._read(proc, 6, deadline)
        except TimeoutError:  # slow start (or a tiny timeout): try again next time
            raise
        except OSError:  # exited before READY: libtesseract or the model is missing
            self._fallback = CliEngine()
            log.error("tesseract child cannot start; using the tesseract command per image")
            raise
        if ready != b"READY\n":
            raise OSError("tesseract child: unexpected greeting")
        return proc

    @staticmethod
    def _read(proc: subprocess.Popen[bytes], n: int, deadline: float) -> bytes:
        assert proc.stdout is not None
        fd, buf = proc.stdout.fileno(), bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("tesseract child timed out")
            chunk = os.read(fd, n - len(buf))
            if not chunk:
                raise OSError("tesseract child exited")
            buf += chunk
        return bytes(buf)

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def ocr(
        self, img: Image.Image, dpi: int, timeout_s: float, psm: int = PSM_AUTO
    ) -> list[Word] | None:
        if self._fallback is not None:
            return self._fallback.ocr(img, dpi, timeout_s, psm)
        deadline = time.monotonic() + timeout_s
        grey = img.convert("L")
        with self._lock:
            try:
                if self._served >= IMAGES_PER_CHILD:
                    self._kill()
                if self._proc is None or self._proc.poll() is not None:
                    self._proc = self._start(deadline)
                    self._served = 0
                self._served += 1
                assert self._proc.stdin is not None
                self._proc.stdin.write(
                    _HEADER.pack(b"OCR1", grey.width, grey.height, dpi, psm) + grey.tobytes()
                )
                self._proc.stdin.flush()
                (size,) = struct.unpack("<I", self._read(self._proc, 4, deadline))
                tsv = self._read(self._proc, size, deadline)
            except (OSError, TimeoutError, ValueError) as exc:
                log.warning("tesseract child failed: %s", exc)
                self._kill()
                return None
        return parse_tsv(tsv.decode("utf-8", "replace"))

    def close(self) -> None:
        with self._lock:
            self._kill()


def _make_engine(name: str) -> CliEngine | PoolEngine:
    return CliEngine() if name == "cli" else PoolEngine()


_engine: CliEngine | PoolEngine = PoolEngine()  # its child starts at the first image


def use_engine(name: str) -> None:
    """Switch engines ("pool" or "cli"); stops the old pool child."""
    global _engine
    if isinstance(_engine, CliEngine if name == "cli" else PoolEngine):
        return
    if isinstance(_engine, PoolEngine):
        _engine.close()
    _engine = _make_engine(name)


def ocr_words(
    img: Image.Image, dpi: int, timeout_s: float, psm: int = PSM_AUTO
) -> list[Word] | None:
    """Words of `img` (any mode; converted to grey) read at `dpi`, or None on failure/timeout."""
    if timeout_s <= 0:
        return None
    try:
        return _engine.ocr(img, dpi, timeout_s, psm)
    except Exception:  # e.g. unparsable output: one page unread, not the whole document lost
        log.exception("OCR failed")
        return None
