"""Real little images for tests of uploads (made with Pillow, the decoder that checks them)."""

import io
import struct
import zlib

from PIL import Image


def image(fmt: str = "PNG", *, size: tuple[int, int] = (8, 6), exif: bytes | None = None,
          colour: tuple[int, int, int] = (200, 60, 20)) -> bytes:
    """A small picture in this format (PNG, JPEG, WEBP, GIF), with EXIF when given."""
    out = io.BytesIO()
    picture = Image.new("RGB", size, colour)
    if exif is not None:
        picture.save(out, fmt, exif=exif)
    else:
        picture.save(out, fmt)
    return out.getvalue()


def gps_exif(lat: float = 35.8327, lon: float = 50.9915) -> bytes:
    """EXIF that places the camera at (lat, lon), as a phone writes it."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)}
    exif[0x8825] = gps  # GPSInfo
    return exif.tobytes()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return (float(degrees), float(minutes), seconds)


def png_header(width: int, height: int, rest: bytes = b"") -> bytes:
    """A PNG signature and header announcing width x height pixels, then `rest`."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + rest)


def huge_png(width: int = 60000, height: int = 60000, *, megabytes: int = 3) -> bytes:
    """A PNG that announces a huge picture in a few megabytes: its first rows of pixels,
    then filler. Decoding it all would take width x height x 3 bytes of memory."""
    rows = zlib.compress(b"\x00" * (width * 3 + 1) * 64, 9)
    idat = b"IDAT" + rows
    filler = b"fiLl" + b"\x00" * (megabytes * 1_000_000)
    return png_header(width, height, _chunk(idat) + _chunk(filler))


def _chunk(body: bytes) -> bytes:
    return struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))


def pixels(content: bytes) -> tuple[str, tuple[int, int], bytes]:
    """A picture's format, size and pixels: what survives encoding it afresh."""
    with Image.open(io.BytesIO(content)) as picture:
        return str(picture.format), picture.size, picture.convert("RGBA").tobytes()
