"""`open137 messenger_webhook --set [URL] | --delete | --info`: point the bot's updates at
this server (setWebhook with MESSENGER_WEBHOOK_SECRET), take them back for polling
(deleteWebhook), or show what the platform has (getWebhookInfo)."""

import json
import re
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from open137.messenger.polling import UPDATES
from open137.notifications import botapi

# What the platforms accept as a secret token (the Bot API's rule).
SECRET_FORM = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Command(BaseCommand):
    help = ("Set the messenger bot's webhook to this server's /messenger/update (with "
            "MESSENGER_WEBHOOK_SECRET), delete it to go back to polling, or show it.")

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--set", nargs="?", const="", metavar="URL",
                          help="the public address of /messenger/update (default: SITE_ROOT's)")
        what.add_argument("--delete", action="store_true",
                          help="remove the webhook; the worker then polls for updates")
        what.add_argument("--info", action="store_true", help="what the platform has now")
        parser.add_argument("--drop-pending", action="store_true",
                            help="with --set or --delete: forget updates not yet delivered")

    def handle(self, *args: Any, **options: Any) -> None:
        if not botapi.configured():
            raise CommandError("MESSENGER_API_URL is not set: give the bot's base address "
                               "with its token, such as https://tapi.bale.ai/bot<token>.")
        try:
            if options["set"] is not None:
                self._set(options["set"] or f"{settings.SITE_ROOT.rstrip('/')}/messenger/update",
                          drop=options["drop_pending"])
            elif options["delete"]:
                botapi.call("deleteWebhook", {"drop_pending_updates": options["drop_pending"]})
                self.stdout.write("The webhook is deleted; `open137 worker` now polls for "
                                  "updates (leave MESSENGER_WEBHOOK_SECRET empty).")
            else:
                info = botapi.call("getWebhookInfo")
                self.stdout.write(json.dumps(info, ensure_ascii=False, indent=2))
        except botapi.BotApiError as error:
            raise CommandError(f"The platform refused: {error}") from None

    def _set(self, url: str, *, drop: bool) -> None:
        secret = settings.MESSENGER_WEBHOOK_SECRET
        if not SECRET_FORM.match(secret):
            raise CommandError("Set MESSENGER_WEBHOOK_SECRET first: 1 to 256 letters, digits, "
                               "_ or -. The platform sends it with every update and "
                               "/messenger/update refuses updates without it.")
        if not url.startswith("https://"):
            self.stderr.write("The platforms send updates to https addresses only; this one "
                              "is not.")
        botapi.call("setWebhook", {"url": url, "secret_token": secret,
                                   "allowed_updates": UPDATES, "drop_pending_updates": drop})
        self.stdout.write(f"The webhook is set to {url}. Updates now arrive there; the worker "
                          f"no longer polls.")
