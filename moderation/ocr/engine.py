"""Running tesseract with time and memory limits, outside the worker process.

Two engines behind one function, `ocr_words`:
- `PoolEngine` (default): long-lived children that keep the model loaded (`_tess_child.py`,
  libtesseract through ctypes), one per core, each used by one thread at a time. Saves the
  0.2-0.6 s start-up per image; a document's strips are read on the cores side by side.
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
import queue
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
#: Tesseract children per worker process: one per core (each holds ~110 MB), at most 4.
CHILDREN = max(1, min(4, os.cpu_count() or 1))
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


class _CannotStart(OSError):
    """The child exited before READY: libtesseract or the model is missing."""


class _Child:
    """One persistent tesseract process; restarted after a timeout, crash or protocol error.
    Used by one thread at a time (PoolEngine hands it out)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self._served = 0

    def _start(self, deadline: float) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(_CHILD), LANG, str(MEMORY_LIMIT_BYTES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        self.proc = proc  # so that a timeout below kills it
        try:
            ready = self._read(proc, 6, deadline)
        except TimeoutError:  # slow start (or a tiny timeout): try again next time
            raise
        except OSError as exc:
            raise _CannotStart(str(exc)) from exc
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

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def tsv(self, grey: Image.Image, dpi: int, psm: int, deadline: float) -> bytes:
        """The TSV of one image; raises on timeout, crash or a child that cannot start."""
        try:
            if self._served >= IMAGES_PER_CHILD:
                self.kill()
            if self.proc is None or self.proc.poll() is not None:
                self.proc = self._start(deadline)
                self._served = 0
            self._served += 1
            assert self.proc.stdin is not None
            self.proc.stdin.write(
                _HEADER.pack(b"OCR1", grey.width, grey.height, dpi, psm) + grey.tobytes()
            )
            self.proc.stdin.flush()
            (size,) = struct.unpack("<I", self._read(self.proc, 4, deadline))
            return self._read(self.proc, size, deadline)
        except (OSError, TimeoutError, ValueError):
            self.kill()
            raise


class PoolEngine:
    """Up to `size` persistent tesseract children, one per thread reading at the time: the
    worker's threads do not queue behind one child, and one document's strips are read
    side by side (digest.read_boxes). A child starts at the first image it is given."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or CHILDREN
        self._children = [_Child() for _ in range(self.size)]
        self._idle: queue.LifoQueue[_Child] = queue.LifoQueue()
        for child in reversed(self._children):  # LIFO: one thread keeps reusing the first
            self._idle.put(child)
        self._fallback: CliEngine | None = None

    def ocr(
        self, img: Image.Image, dpi: int, timeout_s: float, psm: int = PSM_AUTO
    ) -> list[Word] | None:
        if self._fallback is not None:
            return self._fallback.ocr(img, dpi, timeout_s, psm)
        deadline = time.monotonic() + timeout_s
        grey = img.convert("L")
        try:
            child = self._idle.get(timeout=timeout_s)
        except queue.Empty:
            return None
        try:
            tsv = child.tsv(grey, dpi, psm, deadline)
        except _CannotStart:
            self._fallback = CliEngine()
            log.error("tesseract child cannot start; using the tesseract command per image")
            return None
        except (OSError, TimeoutError, ValueError) as exc:
            log.warning("tesseract child failed: %s", exc)
            return None
        finally:
            self._idle.put(child)
        return parse_tsv(tsv.decode("utf-8", "replace"))

    def procs(self) -> list[subprocess.Popen[bytes]]:
        """The children running now (for the benchmark's CPU count and the tests)."""
        return [c.proc for c in self._children if c.proc is not None and c.proc.poll() is None]

    def close(self) -> None:
        for _ in self._children:  # wait until no thread is using a child
            self._idle.get()
        for child in self._children:
            child.kill()
            self._idle.put(child)


def _make_engine(name: str, children: int | None = None) -> CliEngine | PoolEngine:
    return CliEngine() if name == "cli" else PoolEngine(children)


_engine: CliEngine | PoolEngine = PoolEngine()  # its child starts at the first image


def use_engine(name: str, children: int | None = None) -> None:
    """Switch engines ("pool" or "cli"; a pool of `children` tesseract processes, one per core
    when not given); stops the old pool's children."""
    global _engine
    wanted = children or CHILDREN
    if name == "cli" and isinstance(_engine, CliEngine):
        return
    if name != "cli" and isinstance(_engine, PoolEngine) and _engine.size == wanted:
        return
    if isinstance(_engine, PoolEngine):
        _engine.close()
    _engine = _make_engine(name, children)


def parallelism() -> int:
    """How many images may usefully be read at once."""
    return _engine.size if isinstance(_engine, PoolEngine) else 1


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
