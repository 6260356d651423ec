"""Time-based one-time passwords (RFC 6238, SHA-1, 30 s, 6 digits): pure functions.

The standard algorithm every authenticator app speaks; a few lines of the standard library
are easier to audit than a dependency.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

import segno

from open137.core.numbers import digits_in

STEP = 30
DIGITS = 6


def new_secret() -> str:
    """A random 160-bit secret in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def code_at(secret: str, counter: int, digits: int = DIGITS) -> str:
    """The HOTP code for one counter value (RFC 4226)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def counter_at(moment: float | None = None) -> int:
    return int((time.time() if moment is None else moment) // STEP)


def matching_counter(secret: str, code: str, *, moment: float | None = None,
                     window: int = 1) -> int | None:
    """The time step whose code matches (allowing clock drift of `window` steps), or None."""
    # Spaces and dashes as the app groups them fall away; only ASCII digits count ("²" is
    # a digit to str.isdigit, and hmac refuses to compare text that is not ASCII).
    code = digits_in(code)
    if len(code) != DIGITS:
        return None
    now = counter_at(moment)
    for counter in range(now - window, now + window + 1):
        if hmac.compare_digest(code_at(secret, counter), code):
            return counter
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads (typed in, or as a QR code)."""
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})


def qr_svg(uri: str, *, title: str) -> str:
    """The address as a QR code an authenticator app scans: an inline <svg> (dark modules
    on a white quiet zone, so that it scans on a dark page too) named by `title`."""
    code = segno.make(uri, error="m")
    return code.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title,
                           svgclass="totp-qr", lineclass=None, omitsize=False)
