"""A long-lived tesseract process: loads the model once, reads raw grey pixels, answers TSV.

Run by `engine.PoolEngine` as `python -I -S _tess_child.py LANG MAX_BYTES`; it limits its own
address space before loading anything (no preexec_fn in the threaded worker), so that
leptonica and tesseract never run inside the worker process (they have had CVEs on crafted
images) while the 0.2-0.6 s of process start and model load is paid once, not per image.
Images arrive as raw 8-bit pixels: no image file parser runs in here at all.

Protocol on stdin/stdout, little-endian:
  child  -> parent  b"READY\\n" once the model is loaded (or exits non-zero)
  parent -> child   b"OCR1" width height dpi psm (4 x uint32), then width*height bytes
  child  -> parent  uint32 length, then the TSV text in UTF-8
Only the standard library is imported, so the child starts in ~30 ms.
"""

import ctypes
import ctypes.util
import resource
import struct
import sys

HEADER = struct.Struct("<4sIIII")
OEM_LSTM_ONLY = 1


def _load() -> ctypes.CDLL:
    lib = ctypes.CDLL(ctypes.util.find_library("tesseract") or "libtesseract.so.5")
    vp, cp, ci = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.TessBaseAPICreate.restype = vp
    lib.TessBaseAPIInit2.argtypes = [vp, cp, cp, ci]
    lib.TessBaseAPISetVariable.argtypes = [vp, cp, cp]
    lib.TessBaseAPISetPageSegMode.argtypes = [vp, ci]
    lib.TessBaseAPISetImage.argtypes = [vp, cp, ci, ci, ci, ci]
    lib.TessBaseAPISetSourceResolution.argtypes = [vp, ci]
    lib.TessBaseAPIGetTsvText.argtypes = [vp, ci]
    lib.TessBaseAPIGetTsvText.restype = vp
    lib.TessDeleteText.argtypes = [vp]
    lib.TessBaseAPIClear.argtypes = [vp]
    return lib


def _read_exact(stream, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def main() -> int:
    lang, limit = sys.argv[1].encode(), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    lib = _load()
    api = lib.TessBaseAPICreate()
    # LSTM only: the legacy classifier adapts to what it has read before, so one image's
    # result would depend on the images read before it in this child.
    if lib.TessBaseAPIInit2(api, None, lang, OEM_LSTM_ONLY) != 0:
        return 2
    # Dark text on light paper: skip tesseract's second pass on inverted text (saves ~25 %).
    lib.TessBaseAPISetVariable(api, b"tessedit_do_invert", b"0")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(b"READY\n")
    stdout.flush()
    while True:
        try:
            magic, width, height, dpi, psm = HEADER.unpack(_read_exact(stdin, HEADER.size))
            if magic != b"OCR1" or width * height > 60_000_000:
                return 3
            pixels = _read_exact(stdin, width * height)
        except EOFError:
            return 0
        lib.TessBaseAPISetPageSegMode(api, psm)
        lib.TessBaseAPISetImage(api, pixels, width, height, 1, width)
        lib.TessBaseAPISetSourceResolution(api, dpi)
        ptr = lib.TessBaseAPIGetTsvText(api, 0)
        tsv = ctypes.string_at(ptr) if ptr else b""
        if ptr:
            lib.TessDeleteText(ptr)
        lib.TessBaseAPIClear(api)
        stdout.write(struct.pack("<I", len(tsv)) + tsv)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
