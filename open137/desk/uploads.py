"""Photos from staff: recognised by their first bytes, never by their name or claimed type."""

from django.core.files.uploadedfile import UploadedFile

# (offset, signature) pairs per type; WebP is RIFF....WEBP.
_SIGNATURES: tuple[tuple[str, tuple[tuple[int, bytes], ...]], ...] = (
    ("image/jpeg", ((0, b"\xff\xd8\xff"),)),
    ("image/png", ((0, b"\x89PNG\r\n\x1a\n"),)),
    ("image/gif", ((0, b"GIF87a"),)),
    ("image/gif", ((0, b"GIF89a"),)),
    ("image/webp", ((0, b"RIFF"), (8, b"WEBP"))),
)


def image_type(head: bytes) -> str | None:
    """The image type these first bytes announce, or None for anything else."""
    for content_type, parts in _SIGNATURES:
        if all(head[offset:offset + len(sig)] == sig for offset, sig in parts):
            return content_type
    return None


def sniff(upload: UploadedFile) -> str | None:
    """The uploaded file's image type from its content; the file is rewound afterwards."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return image_type(head)
