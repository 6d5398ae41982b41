"""Typing a file by its bytes and removing its metadata: the work that runs in a child process.

This file is run as a script (`python -I clean.py`) by `transfer.prepare`, so that a file that
decodes to gigabytes or loops for minutes costs a capped child, never the web process. It
imports nothing from the project: the child starts quickly and needs no settings.

The child reads the file on stdin, caps its own address space and CPU time before it looks at a
byte, and answers on stdout with one JSON line ({"ok": true, "mime", "ext", "removed"} or
{"ok": false, "reason"}) followed, when ok, by the cleaned bytes.

What is accepted is decided by the content (magic numbers, via `filetype`), never by the name or
the type the sender's device claimed:
- photos (JPEG, PNG, GIF, WebP, HEIC/HEIF): the pixels are re-encoded into a new image, which
  carries no EXIF, XMP, IPTC, comments or text chunks; HEIC/HEIF become JPEG;
- PDF: the document information dictionary, every XMP stream, application data (/PieceInfo),
  the authors and dates of comments, scripts, open actions and embedded files are removed, and
  photos placed in it as whole JPEG files (with their EXIF) are re-encoded;
- audio (MP3, M4A, Ogg, FLAC, WAV): every tag (ID3, APEv2, MP4 atoms, Vorbis comments, cover
  pictures) is removed; WAV keeps only its sound;
- plain text (UTF-8 or Shift_JIS, no markup): it has no metadata and is copied as it is.
Everything else (Office documents, videos, archives, programs, HTML, SVG) is refused.
"""

from __future__ import annotations

import io
import json
import re
import resource
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass

# Budgets far below what a 10 MB file can unpack to (a 458 KB PNG holds 150 Mpx; an 11.7 KB GIF
# 300 frames): checked on the headers, before any pixel is decoded.
MAX_PIXELS = 50_000_000  # per frame: a 48 Mpx phone photo fits
MAX_FRAMES = 100
MAX_TOTAL_PIXELS = 100_000_000  # over all frames of an animation

OK_EXIT = 0


class Refused(Exception):
    """The file is not copied; `reason` is a catalogue suffix under evidence.refusal."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Cleaned:
    mime: str
    ext: str
    data: bytes
    removed: bool  # metadata was present and taken out (or the pixels were re-encoded)


# ----------------------------------------------------------------------------- typing
_TEXT_MARKUP = re.compile(rb"<\s*(?:!doctype|html|svg|script|iframe|body|\?xml)", re.IGNORECASE)


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes show, or None when they show nothing we know."""
    import filetype

    kind = filetype.guess(data)
    if kind is not None:
        mime = str(kind.mime)
        if mime in ("image/heic", "image/avif") and _heif_brand(data):
            return "image/heif" if mime == "image/avif" else mime
        return mime
    return "text/plain" if _is_plain_text(data) else None


def _heif_brand(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim")


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp932"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Markup a browser or Slack would render (HTML, SVG with scripts) is not plain text.
        return _TEXT_MARKUP.search(data[:65536]) is None and not data.lstrip().startswith(b"<")
    return False


# ----------------------------------------------------------------------------- images
def _image(data: bytes, save_format: str, ext: str) -> Cleaned:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow itself refuses at twice this
    try:
        opened = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise Refused("too_complex") from None
    with opened as image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise Refused("too_complex")
        frames = _frame_count(image)
        if frames > MAX_FRAMES or frames * width * height > MAX_TOTAL_PIXELS:
            raise Refused("too_complex")
        if frames > 1 and save_format in ("GIF", "WEBP", "PNG"):
            return Cleaned(_mime(save_format), ext, _animated(image, save_format), True)
        image.load()
        upright = ImageOps.exif_transpose(image)
        # Pixels only: a new image has no info, no EXIF, no XMP, no comments.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        palette = upright.getpalette() if upright.mode == "P" else None
        if palette:
            clean.putpalette(palette)
        out_format = save_format
        if out_format == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        out = io.BytesIO()
        kwargs = {"quality": 95} if out_format == "JPEG" else {}
        clean.save(out, format=out_format, **kwargs)
        return Cleaned(_mime(out_format), ext, out.getvalue(), True)


def _frame_count(image: object) -> int:
    """Frames of an animation, counted from the file's structure where that is cheap."""
    from PIL import GifImagePlugin

    if isinstance(image, GifImagePlugin.GifImageFile):
        return _gif_frames(image.fp)
    return int(getattr(image, "n_frames", 1))


def _gif_frames(fp: object) -> int:
    """Counts a GIF's image descriptors by skipping their data blocks, without decoding any:
    Pillow's n_frames decodes every frame to count them, which is the bomb itself."""
    assert hasattr(fp, "seek") and hasattr(fp, "read")
    fp.seek(0)
    data = fp.read()
    pos, frames = 13, 0
    flags = data[10] if len(data) > 10 else 0
    if flags & 0x80:
        pos += 3 * (2 << (flags & 7))
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _skip_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image descriptor, local colour table, LZW size, sub-blocks
            frames += 1
            if frames > MAX_FRAMES:
                return frames
            local = data[pos + 9] if pos + 9 < len(data) else 0
            pos += 10
            if local & 0x80:
                pos += 3 * (2 << (local & 7))
            pos = _skip_sub_blocks(data, pos + 1)
        else:
            break
    return max(frames, 1)


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _animated(image: object, save_format: str) -> bytes:
    from PIL import Image

    assert isinstance(image, Image.Image)
    frames = []
    durations = []
    for index in range(int(getattr(image, "n_frames", 1))):
        image.seek(index)
        durations.append(int(image.info.get("duration", 100)))
        frame = image.copy()
        frame.info = {}
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(
        out,
        format=save_format,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
    )
    return out.getvalue()


def _heif(data: bytes) -> Cleaned:
    import pillow_heif

    pillow_heif.register_heif_opener()
    # Slack shows JPEG everywhere; the new JPEG carries none of the HEIF's EXIF or XMP.
    return _image(data, "JPEG", "jpg")


def _mime(pillow_format: str) -> str:
    return {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}[
        pillow_format
    ]


# ----------------------------------------------------------------------------- PDF
_ANNOT_PERSONAL = ("/T", "/M", "/CreationDate", "/RC", "/Popup")
_CATALOGUE_ACTIVE = ("/OpenAction", "/AA", "/Metadata", "/PieceInfo", "/SpiderInfo", "/Perms")
_NAMES_ACTIVE = ("/JavaScript", "/EmbeddedFiles")


def _pdf(data: bytes) -> Cleaned:
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise Refused("encrypted") from None
    except pikepdf.PdfError:
        raise Refused("unreadable") from None
    with pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        root = pdf.Root
        for key in _CATALOGUE_ACTIVE:
            if key in root:
                del root[key]
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            for key in _NAMES_ACTIVE:
                if key in names:
                    del names[key]
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                continue
            for key in ("/Metadata", "/PieceInfo", "/AA"):
                if key in obj:
                    del obj[key]
            subtype = obj.get("/Subtype")
            if obj.get("/Type") == pikepdf.Name.Annot or subtype in (
                pikepdf.Name.Text,
                pikepdf.Name.FreeText,
                pikepdf.Name.Highlight,
                pikepdf.Name.FileAttachment,
            ):
                if subtype == pikepdf.Name.FileAttachment and "/FS" in obj:
                    del obj["/FS"]
                if subtype != pikepdf.Name.Widget:
                    for key in _ANNOT_PERSONAL:
                        if key in obj:
                            del obj[key]
            if obj.get("/Subtype") == pikepdf.Name.Image and isinstance(obj, pikepdf.Stream):
                _pdf_photo(obj)
        out = io.BytesIO()
        # Only objects reachable from the new trailer are written: the old /Info and earlier
        # incremental updates are gone; the file ID is recomputed from the content.
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return Cleaned("application/pdf", "pdf", out.getvalue(), True)


_JPEG_METADATA = (b"Exif\x00", b"http://ns.adobe.com/xap", b"Photoshop 3.0", b"ICC_PROFILE")


def _pdf_photo(stream: object) -> None:
    """A photo placed in a PDF as a whole JPEG file keeps its EXIF (GPS and all): re-encode
    its pixels. Other image encodings hold pixels only."""
    import pikepdf
    from PIL import Image

    assert isinstance(stream, pikepdf.Stream)
    if stream.get("/Filter") != pikepdf.Name.DCTDecode:
        return
    raw = stream.read_raw_bytes()
    if not any(marker in raw[:65536] for marker in _JPEG_METADATA[:3]):
        return
    with Image.open(io.BytesIO(raw)) as photo:
        if photo.width * photo.height > MAX_PIXELS:
            raise Refused("too_complex")
        if photo.mode not in ("RGB", "L"):
            raise Refused("metadata")  # CMYK re-encoding would change the colours
        clean = Image.frombytes(photo.mode, photo.size, photo.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=95)
    stream.write(out.getvalue(), filter=pikepdf.Name.DCTDecode)


# ----------------------------------------------------------------------------- audio
def _audio(data: bytes, ext: str, mime: str) -> Cleaned:
    import mutagen
    from mutagen import apev2
    from mutagen.flac import FLAC

    buffer = io.BytesIO(data)
    try:
        audio = mutagen.File(buffer)
    except mutagen.MutagenError:
        raise Refused("unreadable") from None
    if audio is None:
        raise Refused("unreadable")
    had_tags = bool(audio.tags)
    buffer.seek(0)
    if isinstance(audio, FLAC):
        audio.clear_pictures()
        audio.delete(buffer)
        buffer.seek(0)
        audio.save(buffer)
    else:
        audio.delete(buffer)
    if ext == "mp3":
        buffer.seek(0)
        apev2.delete(buffer)
    cleaned = buffer.getvalue()
    _audio_check(cleaned, ext)
    return Cleaned(mime, ext, cleaned, had_tags)


def _audio_check(cleaned: bytes, ext: str) -> None:
    """Refuse what still carries a tag after cleaning (a tag mutagen cannot remove)."""
    import mutagen
    from mutagen.id3 import ID3, ID3NoHeaderError

    again = mutagen.File(io.BytesIO(cleaned))
    if again is None:
        raise Refused("unreadable")
    if again.tags:
        raise Refused("metadata")
    if ext == "mp3":
        try:
            ID3(io.BytesIO(cleaned))
        except ID3NoHeaderError:
            pass
        else:
            raise Refused("metadata")
        if cleaned[-128:-125] == b"TAG":
            raise Refused("metadata")
    # QuickTime keeps the recording's place (©xyz) and user data outside the tags mutagen
    # clears: such a file is refused rather than copied with the place in it.
    if ext == "m4a" and (b"\xa9xyz" in cleaned or b"com.apple.quicktime.location" in cleaned):
        raise Refused("metadata")


def _wav(data: bytes) -> Cleaned:
    import wave

    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            params = source.getparams()
            frames = source.readframes(source.getnframes())
    except (wave.Error, EOFError):
        raise Refused("unreadable") from None
    out = io.BytesIO()
    # A new file with only the format and the samples: LIST/INFO, ID3 and bext chunks are gone.
    with wave.open(out, "wb") as target:
        target.setparams(params)
        target.writeframes(frames)
    return Cleaned("audio/wav", "wav", out.getvalue(), True)


# ----------------------------------------------------------------------------- the table
def _text(data: bytes) -> Cleaned:
    return Cleaned("text/plain", "txt", data, False)


ACCEPTED: dict[str, Callable[[bytes], Cleaned]] = {
    "image/jpeg": lambda d: _image(d, "JPEG", "jpg"),
    "image/png": lambda d: _image(d, "PNG", "png"),
    "image/apng": lambda d: _image(d, "PNG", "png"),
    "image/gif": lambda d: _image(d, "GIF", "gif"),
    "image/webp": lambda d: _image(d, "WEBP", "webp"),
    "image/heic": _heif,
    "image/heif": _heif,
    "application/pdf": _pdf,
    "audio/mpeg": lambda d: _audio(d, "mp3", "audio/mpeg"),
    "audio/mp4": lambda d: _audio(d, "m4a", "audio/mp4"),
    "audio/ogg": lambda d: _audio(d, "ogg", "audio/ogg"),
    "audio/x-flac": lambda d: _audio(d, "flac", "audio/flac"),
    "audio/x-wav": _wav,
    "text/plain": _text,
}


def clean(data: bytes) -> Cleaned:
    """The file typed by its bytes and without its metadata; raises Refused."""
    mime = sniff(data)
    work = ACCEPTED.get(mime or "")
    if work is None:
        raise Refused("type")
    try:
        return work(data)
    except Refused:
        raise
    except MemoryError:
        raise Refused("too_complex") from None
    except (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError, struct.error):
        # What the decoders raise on a damaged file.
        raise Refused("unreadable") from None


def main(argv: list[str]) -> int:
    memory_bytes, cpu_seconds = int(argv[1]), int(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    data = sys.stdin.buffer.read()
    try:
        result = clean(data)
    except Refused as refused:
        header = {"ok": False, "reason": refused.reason}
        sys.stdout.buffer.write(json.dumps(header).encode() + b"\n")
        return OK_EXIT
    header = {"ok": True, "mime": result.mime, "ext": result.ext, "removed": result.removed}
    sys.stdout.buffer.write(json.dumps(header).encode() + b"\n" + result.data)
    return OK_EXIT


if __name__ == "__main__":
    sys.exit(main(sys.argv))
