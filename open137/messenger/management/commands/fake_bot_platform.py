"""`open137 fake_bot_platform [--port 8081]`: a Bot API platform on this machine, and a
chat with the bot as a citizen in this terminal. For developers: no Bale account needed.

Run the worker pointed at it in another terminal (it polls), and chat here:

    MESSENGER_API_URL=http://127.0.0.1:8081/botTEST .venv/bin/open137 worker

For the webhook instead, also set MESSENGER_WEBHOOK_SECRET for `make run` and the worker,
and run `open137 messenger_webhook --set http://127.0.0.1:8000/messenger/update` with the
same settings: this platform then pushes each update to that address.
"""

import sys
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from open137.messenger.testing import PNG, Call, FakePlatform

HELP = ("Type a message, or: !loc [LAT LON] (a location; the city's centre without "
        "numbers), !photo [PATH], !contact [PHONE] (your own number; !contact-other PHONE "
        "for someone else's), !press N (the Nth button under the last message), !key N "
        "(the Nth key of the keyboard), !sticker, !quit")


class Command(BaseCommand):
    help = ("A Bot API platform on this machine with a citizen's chat in the terminal, to "
            "try the messenger channel without a real bot.")
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8081)
        parser.add_argument("--token", default="TEST")

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        self.buttons: list[str] = []
        self.keys: list[str] = []
        self.shown = threading.Lock()
        with FakePlatform(token=options["token"], port=options["port"], push=True,
                          on_call=self.show) as platform:
            self.stdout.write(f"A fake messenger platform is listening at {platform.api_url}\n"
                              f"Start the worker pointed at it in another terminal:\n"
                              f"  MESSENGER_API_URL={platform.api_url} .venv/bin/open137 "
                              f"worker\n{HELP}")
            citizen = platform.citizen()
            for line in stdin:
                if not self.act(citizen, line.strip()):
                    break
        self.stdout.write("Bye.")

    def act(self, citizen: Any, line: str) -> bool:
        """Do what one typed line says; False to stop."""
        word, _sep, rest = line.partition(" ")
        if not line:
            return True
        if word == "!quit":
            return False
        if word == "!loc":
            numbers = rest.split()
            lat, lon = (float(numbers[0]), float(numbers[1])) if len(numbers) == 2 \
                else _centre()
            citizen.shares_location(lat, lon)
        elif word == "!photo":
            citizen.sends_photo(Path(rest).read_bytes() if rest else PNG)
        elif word in {"!contact", "!contact-other"}:
            citizen.shares_contact(rest or "+989121234567", own=word == "!contact")
        elif word in {"!press", "!key"} and rest.isdigit():
            chosen = self.buttons if word == "!press" else self.keys
            if not 1 <= int(rest) <= len(chosen):
                self.stdout.write("There is no such button.")
            elif word == "!press":
                citizen.presses(chosen[int(rest) - 1])
            else:
                citizen.says(chosen[int(rest) - 1])
        elif word == "!sticker":
            citizen.sends(sticker={"file_id": "sticker-1", "emoji": "🙂"})
        elif word.startswith("!"):
            self.stdout.write(HELP)
        else:
            citizen.says(line)
        return True

    def show(self, call: Call) -> None:
        """Print what the bot sends, as the citizen's phone would show it."""
        if call.status != 200 or call.method not in {"sendMessage", "sendPhoto",
                                                     "answerCallbackQuery"}:
            return
        with self.shown:
            if call.method == "answerCallbackQuery":
                if call.params.get("text"):
                    self.stdout.write(f"  ({call.params['text']})")
                return
            photo = "[photo] " if call.method == "sendPhoto" else ""
            self.stdout.write(f"\n🤖 {photo}{call.text}")
            if call.buttons:
                self.buttons = [data for _label, data in call.buttons]
                self.stdout.write("   " + "   ".join(
                    f"[{i}] {label}" for i, (label, _data) in enumerate(call.buttons, 1)))
            if call.keyboard:
                self.keys = call.keyboard
                self.stdout.write("   keyboard: " + " | ".join(
                    f"{i}: {label}" for i, label in enumerate(call.keyboard, 1)))


def _centre() -> tuple[float, float]:
    """The city's map centre, as a place to share."""
    from open137.directory.queries import city

    here = city()
    if here and isinstance(here.map_center, list) and len(here.map_center) == 2:
        return float(here.map_center[0]), float(here.map_center[1])
    return 35.8327, 50.9915
