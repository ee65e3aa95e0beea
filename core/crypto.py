"""Files at rest: AES-256-GCM in 64 KiB segments, the key named in each file's header.

Format: `FBE1`, the key id's length (1 byte) and the key id, an 8-byte random nonce prefix;
then segments, each its ciphertext length (4 bytes) and AES-GCM ciphertext with tag. A
segment's nonce is the prefix and its index; its associated data is the header, its index
and whether it is the last, so segments cannot be reordered, dropped or the file cut short
without the tag failing. Neither side ever holds more than a segment of a file in memory.

Keys come from settings as `id:base64key,id:base64key…`; the first encrypts, all decrypt, so
a key is rotated by putting a new one first and re-encrypting (`familybook keys rotate`).
"""

import base64
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"FBE1"
#: Plaintext bytes per segment.
SEGMENT = 64 * 1024
_TAG = 16
_LEN = struct.Struct(">I")


class Readable(Protocol):
    def read(self, n: int, /) -> bytes: ...


class KeyProblem(ValueError):
    """The keys setting is malformed, or a file names a key we do not have."""


class Keys:
    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if current not in keys:
            raise KeyProblem("the current key is not among the keys")
        for kid, key in keys.items():
            if len(key) != 32 or not kid or len(kid.encode()) > 255:
                raise KeyProblem(f"key {kid!r}: ids are 1-255 bytes, keys 32 bytes (base64)")
        self._keys = {kid: AESGCM(key) for kid, key in keys.items()}
        self.current = current

    @classmethod
    def parse(cls, spec: str) -> "Keys":
        keys: dict[str, bytes] = {}
        order = []
        for item in filter(None, (p.strip() for p in spec.split(","))):
            kid, sep, b64 = item.partition(":")
            if not sep:
                raise KeyProblem("write keys as id:base64key, separated by commas")
            try:
                keys[kid] = base64.b64decode(b64, validate=True)
            except ValueError:
                raise KeyProblem(f"key {kid!r} is not base64") from None
            order.append(kid)
        if not order:
            raise KeyProblem("no key given")
        return cls(keys, order[0])

    @staticmethod
    def generate_spec(kid: str = "k1") -> str:
        return f"{kid}:{base64.b64encode(os.urandom(32)).decode()}"

    def aead(self, kid: str) -> AESGCM:
        if kid not in self._keys:
            raise KeyProblem(f"no key {kid!r}: was it removed from the settings too early?")
        return self._keys[kid]

    def encryptor(self) -> "Encryptor":
        return Encryptor(self.aead(self.current), self.current)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">IB", index, int(last))


class Encryptor:
    """Feed plaintext in any pieces; take ciphertext out as segments fill."""

    def __init__(self, aead: AESGCM, kid: str) -> None:
        kid_bytes = kid.encode()
        self._aead = aead
        self._prefix = os.urandom(8)
        self.header = MAGIC + bytes([len(kid_bytes)]) + kid_bytes + self._prefix
        self._buffer = bytearray()
        self._index = 0

    def _seal(self, plain: bytes, last: bool) -> bytes:
        nonce = self._prefix + struct.pack(">I", self._index)
        sealed = self._aead.encrypt(nonce, plain, _aad(self.header, self._index, last))
        self._index += 1
        return _LEN.pack(len(sealed)) + sealed

    def update(self, chunk: bytes) -> bytes:
        self._buffer += chunk
        out = bytearray()
        # Keep at least one byte back: the last segment is sealed as last by `finish`.
        while len(self._buffer) > SEGMENT:
            out += self._seal(bytes(self._buffer[:SEGMENT]), last=False)
            del self._buffer[:SEGMENT]
        return bytes(out)

    def finish(self) -> bytes:
        out = self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        return out


def is_encrypted(fh: BinaryIO) -> bool:
    start = fh.tell()
    magic = fh.read(len(MAGIC))
    fh.seek(start)
    return magic == MAGIC


def key_id(fh: BinaryIO) -> str:
    """The id of the key a file was written with (the header only is read)."""
    fh.seek(len(MAGIC))
    kid = fh.read(fh.read(1)[0]).decode()
    fh.seek(0)
    return kid


def decrypt(keys: Keys, fh: BinaryIO) -> Iterator[bytes]:
    """The plaintext, segment by segment; raises InvalidTag on anything altered or cut."""
    fh.seek(len(MAGIC))
    yield from decrypt_after_magic(keys, fh)


def decrypt_after_magic(keys: Keys, fh: Readable) -> Iterator[bytes]:
    """`decrypt` for a stream that cannot seek (an object store's response body), read from
    just after the magic its caller has taken; `fh.read(n)` must return n bytes until the end."""
    kid_len = fh.read(1)[0]
    kid = fh.read(kid_len).decode()
    prefix = fh.read(8)
    header = MAGIC + bytes([kid_len]) + kid.encode() + prefix
    aead = keys.aead(kid)
    index = 0
    length = fh.read(_LEN.size)
    while length:
        sealed = fh.read(_LEN.unpack(length)[0])
        length = fh.read(_LEN.size)
        nonce = prefix + struct.pack(">I", index)
        yield aead.decrypt(nonce, sealed, _aad(header, index, last=not length))
        index += 1
    if index == 0:
        raise KeyProblem("an encrypted file without segments: cut short")
