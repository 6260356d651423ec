"""Every address the README and docs/ name leads to a page: no documented 404."""

import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import Resolver404, resolve

ADDRESS = re.compile(r"`(/[^`\s]*)`")
ONLY_WITH_DEBUG = {"/media/"}  # served by the proxy in production
# The messenger's guide names the bot's commands and the platform's methods, which are
# written like addresses but are not ours.
NOT_OURS = {"messenger.md": {"/start", "/cancel", "/newbot", "/sendMessage", "/getUpdates"}}


def documented_addresses() -> list[tuple[str, str]]:
    root = Path(settings.BASE_DIR)
    found = []
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for address in ADDRESS.findall(path.read_text(encoding="utf-8")):
            found.append((path.name, address))
    return found


class DocumentedAddressTests(SimpleTestCase):
    def test_every_documented_address_resolves_to_a_named_page(self) -> None:
        addresses = documented_addresses()
        self.assertGreater(len(addresses), 30)
        for document, address in addresses:
            if address in ONLY_WITH_DEBUG or address in NOT_OURS.get(document, ()):
                continue
            path = re.sub(r"<[^>]+>", "1", address.split("?", 1)[0])
            # A base that other documented addresses begin with (/api/, /sms/) names a part
            # of the site, not a page; the API answers unknown paths under it with its own 404.
            base = any(other != address and other.startswith(address)
                       for _doc, other in addresses)
            with self.subTest(document=document, address=address):
                try:
                    match = resolve(path)
                except Resolver404:
                    match = None
                if match is None:
                    self.assertTrue(base, f"{document} names {address}, which is not a page")
                elif not base:
                    self.assertNotEqual(match.func.__name__, "not_found", address)
