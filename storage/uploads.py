"""What an upload left in the file store: its text fields and its files, not yet recorded.

The web layer fills it while the bytes stream in; a use case records it in the database, or
`discard()`s it when the request is refused, so a refused upload leaves no file behind.
"""

from dataclasses import dataclass, field

from storage.blobs import BlobStore, StoredBlob


@dataclass
class UploadedFile:
    #: The form field it came in (a `FileCategory` value).
    field: str
    original_name: str
    declared_type: str
    blob: StoredBlob


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)
    store: BlobStore | None = None

    def discard(self) -> None:
        if self.store is not None:
            for f in self.files:
                self.store.delete(f.blob.key)

    def text(self, name: str) -> str:
        """A text field, trimmed; "" when it was not sent."""
        return (self.fields.get(name) or "").strip()

    def counts(self) -> dict[str, int]:
        """Files per form field."""
        out: dict[str, int] = {}
        for f in self.files:
            out[f.field] = out.get(f.field, 0) + 1
        return out
