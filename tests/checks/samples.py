"""Real files built in code: good ones a family would send, and hostile ones an attacker would."""

import io
import struct
import zipfile
import zlib

from PIL import Image, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from moderation.checks.base import CheckOutcome

#: EXIF tag numbers used below.
ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def photo(size: tuple[int, int] = (1200, 900), mode: str = "RGB") -> Image.Image:
    """A picture with some structure (flat colour compresses to nothing and hides bugs)."""
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(200, 30, 30))
    draw.text((10, 10), "Familybook 家庭聯絡簿", fill=(0, 0, 0))
    return img.convert(mode)


def jpeg(img: Image.Image | None = None, **save: object) -> bytes:
    out = io.BytesIO()
    (img or photo()).save(out, "JPEG", **{"quality": 90, **save})
    return out.getvalue()


def png(img: Image.Image | None = None, **save: object) -> bytes:
    out = io.BytesIO()
    (img or photo()).save(out, "PNG", **save)
    return out.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (25.0, 2.0, 0.0), 3: "E", 4: (121.0, 33.0, 0.0)}
    return exif.tobytes()


def orientation_exif(value: int) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = value
    return exif.tobytes()


def srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def srgb_with_red_and_blue_swapped() -> bytes:
    """A valid but deliberately odd RGB profile: sRGB with its red and blue colorants
    swapped. Managed colour turns the file's (255, 0, 0) into sRGB blue; an unmanaged copy
    keeps it red, so a test can tell conversion from merely dropping the profile."""
    from PIL import ImageCms

    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", icc[128:132])[0]
    entries = {bytes(icc[at : at + 4]): at for at in range(132, 132 + 12 * count, 12)}
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    icc[red + 4 : red + 12], icc[blue + 4 : blue + 12] = (
        icc[blue + 4 : blue + 12],
        icc[red + 4 : red + 12],
    )
    return bytes(icc)


def corner_marked(size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """Grey, with a red square in the top-left corner and a green one in the top-right, as
    stored: where they land after rotation tells the direction, not only the shape."""
    img = Image.new("RGB", size, (128, 128, 128))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 149, 149), fill=(255, 0, 0))
    draw.rectangle((size[0] - 150, 0, size[0] - 1, 149), fill=(0, 255, 0))
    return img


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A ~60-byte PNG whose header claims `width`×`height` RGB pixels (a pixel bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is patched to claim `width`×`height`
    (at most 65,535 each): decoding it would allocate width × height × 3 bytes."""
    data = bytearray(jpeg(photo((64, 64))))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zip_bytes(members: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in (members or {"evil.html": b"<script>alert(1)</script>"}).items():
            zf.writestr(name, data)
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script type="text/javascript">alert(1)</script><rect width="10" height="10"/></svg>'
)
#: A minimal 64-bit ELF header, enough for libmagic to call it an executable.
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHI", 2, 0x3E, 1) + b"\x00" * 40


def pdf(pages: int = 1, size: tuple[float, float] = (595, 842)) -> PdfWriter:
    """A writer with `pages` A4 pages of real text (Helvetica), ready for hostile additions."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for number in range(1, pages + 1):
        page = writer.add_blank_page(*size)
        stream = DecodedStreamObject()
        lines = "".join(
            f"BT /F1 14 Tf 72 {760 - 20 * i} Td (Page {number} line {i} of the letter.) Tj ET\n"
            for i in range(30)
        )
        stream.set_data(lines.encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    return writer


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_open_action(action: str) -> bytes:
    """/OpenAction running JavaScript or launching a program when the file is opened."""
    writer = pdf()
    if action == "javascript":
        act = {"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")}
    else:
        act = {"/S": NameObject("/Launch"), "/F": TextStringObject("cmd.exe")}
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject(k): v for k, v in act.items()}
    )
    return pdf_bytes(writer)


def pdf_with_page_link_js() -> bytes:
    """JavaScript hidden in a link annotation's action on page 1."""
    writer = pdf()
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("this.exportDataObject()"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    return pdf_bytes(writer)


def pdf_as_is(
    writer: PdfWriter, *, user: str = "", owner: str = "", algorithm: str = "RC4-128"
) -> bytes:
    """Encrypted if a password is given. RC4 works with pypdf alone; AES needs `cryptography`."""
    if user or owner:
        writer.encrypt(user_password=user, owner_password=owner or user, algorithm=algorithm)
    return pdf_bytes(writer)


def failed(outcomes: list[CheckOutcome]) -> list[str]:
    """Codes of the failed outcomes: what tests compare verdicts by."""
    return [o.code for o in outcomes if not o.ok]


def codes(outcomes: list[CheckOutcome]) -> list[str]:
    return [o.code for o in outcomes]


def pdf_with_document_js() -> bytes:
    """Document-level JavaScript in the /Names tree, run by viewers when the file opens."""
    writer = pdf()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return pdf_bytes(writer)


def raw_pdf(objects: list[bytes], info: bytes | None = None, unlisted: bytes = b"") -> bytes:
    """A PDF written byte by byte (object 1 is the catalog), for what pypdf's writer won't do.
    `info`, if given, becomes the last object and the trailer's /Info; `unlisted` is written
    after the objects but left out of the xref table."""
    if info is not None:
        objects = [*objects, info]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += unlisted
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info_ref = b" /Info %d 0 R" % len(objects) if info is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_ref,
        xref,
    )
    return bytes(out)


def pdf_with_escaped_javascript_name() -> bytes:
    """/OpenAction JavaScript spelled /J#61vaScript and /J#53: a byte scan does not see it."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R"
            b" /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """A good PNG with one extra chunk inserted just before IEND."""
    original = png()
    return original[:-12] + _chunk(kind, data) + original[-12:]


def pdf_with_image_bomb(width: int = 10_000, height: int = 10_000) -> bytes:
    """One page drawing an image that declares `width`×`height` RGB pixels of zeros: a few
    hundred KB of Flate that inflate to gigabytes when rendered."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (width * 3)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return _pdf_drawing_image(
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
        b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(data), data)
    )


#: A RAR 5 archive's signature and the start of its header: enough for any RAR reader to try.
RAR = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 24


def pdf_with_payload_before_a_fresh_eof(payload: bytes) -> bytes:
    """A PDF with `payload` after its %%EOF, then `startxref`/%%EOF again: readers follow the
    last startxref back to the real xref, so the file still opens as the same PDF."""
    original = pdf_bytes(pdf())
    xref_at = original[original.rindex(b"startxref") + 9 :].split()[0]
    return original + payload + b"\nstartxref\n" + xref_at + b"\n%%EOF\n"


def pdf_incremental_update(original: bytes) -> bytes:
    """`original` with an incremental update appended (new Info, as a viewer that saves a
    filled-in form or a comment writes it): a second xref section and %%EOF after the first."""
    writer = PdfWriter(io.BytesIO(original), incremental=True)
    writer.add_metadata({"/Title": "戶籍謄本（已簽名）"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_rich_text_comment() -> bytes:
    """A FreeText comment whose rich text is XHTML `<body xmlns=…>`, written as Acrobat writes
    it: plain in a literal string (pypdf's writer would escape the `<`)."""
    rich = (
        b'<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml" '
        b'xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/" xfa:APIVersion="Acrobat:11.0.23" '
        b'xfa:spec="2.0.2" ><p dir="ltr">checked</p></body>'
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
            b"<< /Type /Annot /Subtype /FreeText /Rect [72 72 272 120] /Contents (checked)"
            b" /DA (/Helv 12 Tf 0 g) /RC (" + rich + b") >>",
        ]
    )


def pdf_with_info_title(title: bytes) -> bytes:
    """A PDF whose Info /Title is `title`, as raw bytes in a literal string."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ],
        info=b"<< /Title (" + title + b") >>",
    )


def pdf_with_image_bytes(pixels: bytes, width: int = 64) -> bytes:
    """One page drawing a grey image whose stream holds `pixels` as they are (no filter)."""
    height = len(pixels) // width
    body = pixels[: width * height]
    return _pdf_drawing_image(
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(body), body)
    )


def _pdf_drawing_image(image_object: bytes) -> bytes:
    """One A4 page whose content draws `image_object` (object 5) over the whole page."""
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /XObject << /Im1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            image_object,
        ]
    )


ONE_PAGE = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def pdf_with_unlisted_object(body: bytes) -> bytes:
    """A one-page PDF with an object that no xref lists and nothing refers to: invisible to
    a parser that trusts the xref, found by a viewer that rebuilds a damaged one."""
    return raw_pdf(ONE_PAGE, unlisted=b"9 0 obj\n" + body + b"\nendobj\n")


def pdf_with_object_stream(objects: list[bytes]) -> bytes:
    """A PDF 1.5 whose objects 1..n (1 is the catalog) all sit in one Flate-compressed object
    stream, indexed by an xref stream: nothing of them is visible in the file's bytes."""
    offsets, packed = [], b""
    for body in objects:
        offsets.append(len(packed))
        packed += body + b"\n"
    index = b" ".join(b"%d %d" % (n, at) for n, at in enumerate(offsets, start=1))
    data = zlib.compress(index + b"\n" + packed)
    stream_no, xref_no = len(objects) + 1, len(objects) + 2
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_at = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_no,
        len(objects),
        len(index) + 1,
        len(data),
    )
    out += b"stream\n" + data + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, stream_no, i) for i in range(len(objects))]
    rows += [struct.pack(">BIH", 1, stream_at, 0), struct.pack(">BIH", 1, xref_at, 0)]
    table = b"".join(rows)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n" % (
        xref_no,
        xref_no + 1,
        len(table),
    )
    out += b"stream\n" + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def pdf_with_page_actions(actions: bytes) -> bytes:
    """Page 1 carries `actions` as its additional-actions (/AA) dictionary: run when the
    page is opened or closed, with no click."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA " + actions + b" >>",
        ]
    )


def pdf_with_rich_media() -> bytes:
    """A RichMedia (Flash/video) annotation on page 1."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
            b"<< /Type /Annot /Subtype /RichMedia /Rect [72 72 272 272]"
            b" /RichMediaContent << /Assets << /Names [] >> >> >>",
        ]
    )
