"""Evidence files the tests make themselves: photos with GPS, a PDF with an author, tagged
audio, and decompression bombs that are a few KB on the wire."""

from __future__ import annotations

import io
import struct
import wave
import zlib

from PIL import Image

GPS_IFD = 0x8825
ARTIST, MODEL = 0x013B, 0x0110
AUTHOR = "Alex Carter"


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[MODEL] = "Phone X"
    exif[ARTIST] = AUTHOR
    exif[0x0132] = "2026:11:30 10:00:00"  # DateTime
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (35.0, 41.0, 22.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (139.0, 41.0, 30.0)
    return exif


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", exif=exif_with_gps())
    return out.getvalue()


def heic_with_gps() -> bytes:
    """An iPhone-like HEIC (pillow-heif's encoder) carrying GPS, camera model and artist."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48), (30, 200, 30))
    image.save(out, format="HEIF", exif=exif_with_gps().tobytes(), quality=60)
    return out.getvalue()


def pdf_with_author() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = AUTHOR
    pdf.docinfo["/Creator"] = "Word for alex.carter"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [AUTHOR]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_with_a_photo() -> bytes:
    """A PDF whose page shows a phone photo embedded as the whole JPEG file, EXIF and GPS too
    (what "print to PDF" from a photo viewer makes)."""
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(64, 48))
    photo = pikepdf.Stream(pdf, jpeg_with_gps())
    photo.Type, photo.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    photo.Width, photo.Height, photo.BitsPerComponent = 64, 48, 8
    photo.ColorSpace, photo.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.DCTDecode
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=photo))
    page.Contents = pdf.make_stream(b"q 64 0 0 48 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _mp3_frames(count: int = 20) -> bytes:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames of silence.
    header = bytes([0xFF, 0xFB, 0x90, 0x64])
    return (header + bytes(413)) * count


def mp3_with_tags() -> bytes:
    from mutagen.id3 import ID3, TIT2, TPE1

    buffer = io.BytesIO(_mp3_frames())
    tags = ID3()
    tags.add(TPE1(encoding=3, text=[AUTHOR]))
    tags.add(TIT2(encoding=3, text=["voice memo at the shop"]))
    tags.save(buffer)
    return buffer.getvalue()


def _atom(kind: bytes, payload: bytes, version: int | None = None) -> bytes:
    if version is not None:
        payload = struct.pack(">I", version << 24) + payload
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def m4a_with_tags(place: bool = False) -> bytes:
    """A voice-memo-like M4A (an audio track of silence) with an artist tag added by mutagen;
    with `place`, QuickTime's recording location atom (©xyz) as a phone writes it."""
    from mutagen.mp4 import MP4

    mvhd = _atom(b"mvhd", struct.pack(">IIII", 0, 0, 1000, 1000) + bytes(80), 0)
    mdhd = _atom(b"mdhd", struct.pack(">IIIIHH", 0, 0, 44100, 44100, 0, 0), 0)
    hdlr = _atom(b"hdlr", bytes(4) + b"soun" + bytes(13), 0)
    stbl = _atom(b"stbl", _atom(b"stsd", struct.pack(">I", 0), 0))
    trak = _atom(b"trak", _atom(b"mdia", mdhd + hdlr + _atom(b"minf", stbl)))
    where = b"+35.6895+139.6917/"
    xyz = _atom(b"udta", _atom(b"\xa9xyz", struct.pack(">HH", len(where), 0) + where))
    moov = _atom(b"moov", mvhd + trak + (xyz if place else b""))
    buffer = io.BytesIO(
        _atom(b"ftyp", b"M4A \0\0\0\0M4A mp42isom") + moov + _atom(b"mdat", bytes(64))
    )
    audio = MP4(buffer)
    audio.add_tags()
    assert audio.tags is not None
    audio.tags["\xa9ART"] = [AUTHOR]
    buffer.seek(0)
    audio.save(buffer)
    return buffer.getvalue()


def wav_with_info() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(8000)
        target.writeframes(bytes(1600))
    data = out.getvalue()
    info = b"INFO" + b"IART" + struct.pack("<I", len(AUTHOR) + 1) + AUTHOR.encode() + b"\x00"
    chunk = b"LIST" + struct.pack("<I", len(info)) + info
    body = data[12:] + chunk
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def png_bomb(width: int = 15_000, height: int = 10_000) -> bytes:
    """A 150 Mpx greyscale PNG of a few hundred KB (zlib squeezes zero rows to nothing)."""
    raw = zlib.compressobj(9)
    row = bytes(1 + width)
    body = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def gif_bomb(frames: int = 300, side: int = 2_000) -> bytes:
    """An animated GIF of `frames` full-screen frames, each the same few LZW bytes: a few KB
    that Pillow would decode into gigabytes."""
    small = io.BytesIO()
    Image.new("P", (side, side), 0).save(small, format="GIF")
    single = small.getvalue()
    # The first image descriptor onwards, up to the trailer: one frame, repeated.
    start = single.index(b"\x2c", 13 + 3 * 256 if single[10] & 0x80 else 13)
    frame = single[start:-1]
    return single[:start] + frame * frames + b"\x3b"
