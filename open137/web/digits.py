"""Persian digits in what a person reads on a Persian page, wherever the number came from.

Numbers reach a page from our templates, from data (a street called «بلوار 45 متری»), from
Django's admin and from libraries; converting each one where it is printed misses some.
The page is finished here instead: the text between tags and the attributes people read
(title, placeholder, aria-label) get Persian digits. What must stay as typed is left
alone: scripts, styles, code, form values, and any element marked translate="no" (the
HTML standard's mark for "the same in every language": a key, a seed, an address).
"""

import re

from open137.core.text import persian_digits

# Elements whose content is never text for reading.
_RAW = {"script", "style", "textarea", "pre", "code", "kbd", "samp", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<(/?)([a-zA-Z][\w:-]*)([^>]*)>",
                    re.S)
_READ_ATTRS = re.compile(r'(\s(?:title|placeholder|aria-label)=")([^"]*)(")')
_DIGIT = re.compile(r"[0-9]")
# A run of Latin letters, digits and joiners is one token: a number («1405-08», «12:30»)
# becomes Persian, a code with letters in it («district-3», «Open311», a key) stays whole.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_./:+%#-]+")
_LETTER = re.compile(r"[A-Za-z]")
_NO_TRANSLATE = re.compile(r"""\stranslate=["']?no\b""")


_ENTITY = re.compile(r"(&#?\w+;)")


def _numbers(text: str) -> str:
    # Character references («&#10006;») are markup, not numbers: every odd part is one.
    parts = _ENTITY.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _TOKEN_RUN.sub(lambda m: m.group(0) if _LETTER.search(m.group(0))
                                  else persian_digits(m.group(0)), parts[i])
    return "".join(parts)


def persian_digits_in_html(html: str) -> str:
    """The page with Persian digits in its readable text; markup and values untouched."""
    out: list[str] = []
    pos = 0
    skip_tag = ""  # the element being skipped whole, and how deep inside it we are
    depth = 0
    for match in _TOKEN.finditer(html):
        text = html[pos:match.start()]
        out.append(text if skip_tag or not _DIGIT.search(text) else _numbers(text))
        pos = match.end()
        tag = match.group(0)
        name = (match.group(2) or "").lower()
        closing = match.group(1) == "/"
        if not name:  # a comment or a doctype
            out.append(tag)
            continue
        if skip_tag:
            if name == skip_tag and name not in _VOID and not tag.endswith("/>"):
                depth += -1 if closing else 1
                if depth == 0:
                    skip_tag = ""
            out.append(tag)
            continue
        if not closing and name not in _VOID and (name in _RAW
                                                  or _NO_TRANSLATE.search(match.group(3))):
            if not tag.endswith("/>"):
                skip_tag, depth = name, 1
            out.append(tag)
            continue
        if not closing and _DIGIT.search(tag) and not _NO_TRANSLATE.search(match.group(3)):
            tag = _READ_ATTRS.sub(lambda m: m.group(1) + _numbers(m.group(2)) + m.group(3),
                                  tag)
        out.append(tag)
    rest = html[pos:]
    out.append(rest if skip_tag else _numbers(rest))
    return "".join(out)
