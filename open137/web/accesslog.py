"""The access log without secrets: the lines gunicorn writes for every request.

Query strings carry an Open311 `api_key`, the SMS gateway's `secret` and a caller's phone
(`/desk/call?caller=`); paths carry tracking codes (`/track/<code>`), which are the
citizen's secret too. Their values become *** before the line is written; so does any
value shaped like a phone number.
"""

import re
from typing import Any
from urllib.parse import unquote, unquote_plus

from gunicorn.glogging import Logger

from open137.core.contacts import MASK, has_phone, mask_phones

# `k` is the key of a result's answer link.
SECRET_PARAMETERS = frozenset({"api_key", "secret", "caller", "token", "password", "key", "k"})
_TRACK = re.compile(r"(/track/)[^/?#\s]+")


def mask_query(query: str) -> str:
    """`a=1&api_key=xyz&caller=0912...` -> `a=1&api_key=***&caller=***`."""
    if not query:
        return query
    parts = []
    for pair in query.split("&"):
        name, sep, value = pair.partition("=")
        if sep and (unquote_plus(name).strip().lower() in SECRET_PARAMETERS
                    or has_phone(unquote_plus(value))):
            value = MASK
        parts.append(f"{name}{sep}{value}")
    return "&".join(parts)


def mask_path(path: str) -> str:
    """A path with tracking codes and phone numbers masked."""
    path = _TRACK.sub(rf"\g<1>{MASK}", path or "")
    return mask_phones(unquote(path)) if has_phone(unquote(path)) else path


def mask_target(target: str) -> str:
    """A request target (path and query) as the log may keep it."""
    path, sep, query = (target or "").partition("?")
    return mask_path(path) + sep + mask_query(query)


def mask_request_line(line: str) -> str:
    """`GET /desk/call?caller=0912... HTTP/1.1` with its target masked."""
    parts = (line or "").split(" ")
    if len(parts) == 3:
        return " ".join((parts[0], mask_target(parts[1]), parts[2]))
    return mask_target(line)


class SecretlessLogger(Logger):
    """gunicorn's logger, writing access lines with secrets masked."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = mask_request_line(atoms.get("r") or "")
        atoms["U"] = mask_path(atoms.get("U") or "")
        atoms["q"] = mask_query(atoms.get("q") or "")
        if atoms.get("f") not in (None, "-"):
            atoms["f"] = mask_target(atoms["f"])
        for name in ("{referer}i", "{x-original-uri}i"):
            if atoms.get(name):
                atoms[name] = mask_target(atoms[name])
        return atoms
