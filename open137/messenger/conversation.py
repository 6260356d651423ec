"""The conversation with a citizen in the messenger, as a state machine.

`step(state, incoming, catalog, chat=...)` takes where the chat stands (State), what the
citizen did (updates.Incoming) and read-only access to the city (catalog.Catalog), and
answers a Result: the next state, the replies to send and the writes to make (Submit,
Answer, KeepPhoto, DropPhotos). It writes nothing and calls no platform itself;
messenger.actions runs it inside the update's transaction and carries the writes out
through the lifecycle's actions.

A report goes: describe the problem in words -> confirm one of the subjects the
classifier proposes, or pick group -> subject -> the subject's extra questions -> the
place (a shared location, an address, or "I don't know") -> photos (optional, several)
-> the phone number (the platform's contact button, or typed; optional) -> a summary to
confirm. "Cancel" ends any step. Persian first; "English" in the menu switches the chat.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from open137.cases.actions import MAX_DESCRIPTION
from open137.cases.messages import parse_satisfaction_data, satisfaction_buttons
from open137.core.dates import format_date, is_persian
from open137.core.errors import InvalidInput
from open137.core.numbers import parse_whole
from open137.core.phones import local_phone, normalize_phone
from open137.core.text import latin_digits, normalize_text, persian_digits
from open137.core.tracking import clean_code
from open137.directory.questions import Question, answer, localized
from open137.messenger.catalog import CaseSummary, Catalog, Choice
from open137.messenger.updates import Incoming

MAX_PHOTOS = 5
MAX_ADDRESS = 500
LANGUAGES = ("fa", "en")


class Step(StrEnum):
    IDLE = "idle"
    DESCRIBE = "describe"
    SUBJECT = "subject"
    QUESTION = "question"
    PLACE = "place"
    PHOTOS = "photos"
    PHONE = "phone"
    CONFIRM = "confirm"
    TRACK = "track"


# The steps of a report being written: these expire when left half-way.
REPORT_STEPS = frozenset({Step.DESCRIBE, Step.SUBJECT, Step.QUESTION, Step.PLACE,
                          Step.PHOTOS, Step.PHONE, Step.CONFIRM})
# Once the problem is described, a photo sent at any step is kept for the report.
PHOTO_STEPS = REPORT_STEPS - {Step.DESCRIBE}


@dataclass
class State:
    step: str = Step.IDLE
    draft: dict[str, Any] = field(default_factory=dict)
    language: str = "fa"


@dataclass(frozen=True)
class Button:
    """A button of the keyboard under the input box; `request` asks the platform to share
    the citizen's "location" or "contact" instead of sending the label."""

    text: str
    request: str = ""


Inline = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label, data)


@dataclass(frozen=True)
class Reply:
    """A message to the chat with buttons under it (`inline`) or a new keyboard under the
    input box (`keyboard`; None keeps the current one). A message carries one or the other,
    never both: the platform takes a single reply_markup."""

    text: str
    inline: Inline = ()
    keyboard: tuple[tuple[Button, ...], ...] | None = None


@dataclass(frozen=True)
class Submit:
    """Record the report as a request (then the chat hears its receipt)."""

    draft: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    """The citizen's answer to a result, by button."""

    case_id: int
    event_id: int
    satisfied: bool


@dataclass(frozen=True)
class KeepPhoto:
    """Keep the photo that came with this input for the report."""


@dataclass(frozen=True)
class DropPhotos:
    """Forget the photos of the report (it was cancelled or it expired)."""


Effect = Submit | Answer | KeepPhoto | DropPhotos


@dataclass
class Result:
    state: State
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    # The answer shown on a pressed button (a short note; empty: just stop its spinner).
    toast: str = ""
    # New buttons for the message whose button was pressed (None: leave them; (): remove).
    buttons: Inline | None = None


# --- labels of the keyboard buttons (a pressed one comes back as its text) -----------------

def new_report() -> str:
    return _("📝 New report")


def follow() -> str:
    return _("🔎 Follow a request")


def mine() -> str:
    return _("📋 My requests")


def cancel() -> str:
    return _("✖️ Cancel")


def send_location() -> str:
    return _("📍 Send my current location")


def dont_know() -> str:
    return _("I don't know")


def next_step() -> str:
    return _("Next ▶️")


def share_phone() -> str:
    return _("📱 Share my phone number")


def skip() -> str:
    return _("Skip")


def send() -> str:
    return _("✅ Send")


# Each language's name in itself: the button that switches to it reads the same in both.
LANGUAGE_NAMES = {"fa": "فارسی", "en": "English"}
COMMANDS = {"start", "help", "new", "track", "mine", "cancel", "language"}


def _plain(text: str) -> str:
    """Text as compared with labels and commands: letters and digits only, any case."""
    return " ".join(re.sub(r"[^\w]+", " ", normalize_text(text)).split()).casefold()


def _pressed(text: str, label: Any) -> bool:
    """Whether typed text is this keyboard label, in either language."""
    plain = _plain(text)
    if not plain:
        return False
    for language in LANGUAGES:
        with override(language):
            if plain == _plain(label()):
                return True
    return False


def _command(text: str) -> str:
    """The command (`/start`, `/cancel@bot`...) a text is, or ""."""
    match = re.fullmatch(r"/([A-Za-z_]+)(?:@\w+)?(?:\s.*)?", text.strip(), re.DOTALL)
    name = match.group(1).lower() if match else ""
    return name if name in COMMANDS else ""


def _n(value: Any) -> str:
    """A number (or a name with numbers) in the active language's digits."""
    return persian_digits(value) if is_persian() else str(value)


# --- keyboards ---------------------------------------------------------------------------

def _menu(language: str) -> tuple[tuple[Button, ...], ...]:
    other = "en" if language == "fa" else "fa"
    return ((Button(new_report()),), (Button(follow()), Button(mine())),
            (Button(LANGUAGE_NAMES[other]),))


def _cancel_only() -> tuple[tuple[Button, ...], ...]:
    return ((Button(cancel()),),)


def _place_keys() -> tuple[tuple[Button, ...], ...]:
    return ((Button(send_location(), "location"),), (Button(dont_know()), Button(cancel())))


def _photo_keys() -> tuple[tuple[Button, ...], ...]:
    return ((Button(next_step()),), (Button(cancel()),))


def _phone_keys() -> tuple[tuple[Button, ...], ...]:
    return ((Button(share_phone(), "contact"),), (Button(skip()), Button(cancel())))


def _rows(choices: list[Choice], prefix: str) -> list[tuple[tuple[str, str], ...]]:
    return [((choice.label, f"{prefix}:{choice.key}"),) for choice in choices]


# --- the machine ---------------------------------------------------------------------------

def step(state: State, incoming: Incoming, catalog: Catalog, *, chat: str) -> Result:
    """The conversation's answer to one input (see the module's docstring)."""
    language = state.language if state.language in LANGUAGES else "fa"
    had_photos = bool(state.draft.get("photos"))
    state = State(state.step, dict(state.draft), language)
    with override(language):
        result = _step(state, incoming, catalog, chat)
    # A report's photos that the next state no longer counts (it was cancelled, restarted
    # or left for another part of the menu) are dropped; a submitted report takes them.
    if had_photos and not result.state.draft.get("photos") and not any(
            isinstance(e, Submit | DropPhotos) for e in result.effects):
        result.effects.append(DropPhotos())
    return result


def _step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    if incoming.kind == "button" and incoming.data.startswith("sat:"):
        return _satisfaction(state, incoming.data)
    text = incoming.text if incoming.kind == "text" else ""
    command = _command(text)
    if command == "cancel" or (text and _pressed(text, cancel)):
        return _cancelled(state)
    if command in {"start", "help"}:
        return _restart(state, _welcome(catalog))
    if command == "new" or (text and _pressed(text, new_report)):
        return _start_report(state, "")
    if state.step in {Step.IDLE, Step.TRACK} or command:
        if command == "track" or (text and _pressed(text, follow)):
            return _ask_code(state)
        if command == "mine" or (text and _pressed(text, mine)):
            return _mine(state, catalog, chat)
        if command == "language" or (text and _plain(text) in {
                _plain(name) for name in LANGUAGE_NAMES.values()}):
            return _switch_language(state, text)
    if state.step in REPORT_STEPS and incoming.kind == "photo":
        return _photo(state, incoming)
    handler = HANDLERS.get(Step(state.step) if state.step in Step._value2member_map_
                           else Step.IDLE, _idle)
    return handler(state, incoming, catalog, chat)


def _restart(state: State, text: str) -> Result:
    return Result(State(Step.IDLE, {}, state.language),
                  [Reply(text, keyboard=_menu(state.language))])


def _welcome(catalog: Catalog) -> str:
    name = catalog.city_name()
    if name:
        return _("Hello! This is the 137 centre of %(city)s. Report a problem in the city, "
                 "follow a request by its tracking code, or see your requests: choose from "
                 "the menu below.") % {"city": name}
    return _("Hello! This is the 137 centre. Report a problem in the city, follow a request "
             "by its tracking code, or see your requests: choose from the menu below.")


def _cancelled(state: State) -> Result:
    if state.step in REPORT_STEPS:
        return _restart(state, _("Your report was cancelled; nothing was sent."))
    return _restart(state, _("What would you like to do? Choose from the menu below."))


def _menu_hint(state: State) -> Result:
    return Result(state, [Reply(_("Choose from the menu below, or write “%(new)s” to report "
                                  "a problem.") % {"new": new_report()},
                                keyboard=_menu(state.language))])


def _switch_language(state: State, text: str) -> Result:
    wanted = next((code for code, name in LANGUAGE_NAMES.items()
                   if _plain(name) == _plain(text)), None)
    if wanted is None:  # /language: the other one
        wanted = "en" if state.language == "fa" else "fa"
    state = State(state.step if state.step not in REPORT_STEPS else Step.IDLE,
                  {} if state.step in REPORT_STEPS else state.draft, wanted)
    with override(wanted):
        return Result(state, [Reply(_("The conversation is now in English."),
                                    keyboard=_menu(wanted))])


# --- idle, tracking and the citizen's requests --------------------------------------------

def _idle(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    if incoming.kind == "button":
        if incoming.data == "report" and state.draft.get("pending"):
            return _start_report(state, state.draft["pending"], catalog)
        return _stale(state)
    if incoming.kind == "text":
        typed = latin_digits(incoming.text.strip())
        if typed in {"1", "2"}:
            # The SMS habit: 1 or 2 answers the latest result waiting for an answer.
            return _typed_answer(state, typed == "1", catalog, chat)
        if _DIGITS.fullmatch(typed):
            return _track(state, clean_code(typed), catalog, chat)
        description = normalize_text(incoming.text)
        if len(description) >= 3:
            # Free text: most likely a problem; one tap makes it a report.
            state.draft = {"pending": description[:MAX_DESCRIPTION]}
            return Result(state, [Reply(
                _("Would you like to report this to the 137 centre as a problem?"),
                inline=(((_("Yes, report it"), "report"),),))])
    if incoming.kind in {"photo", "location"}:
        return Result(state, [Reply(_("To report a problem, press “%(new)s” and describe it "
                                      "in words first; photos and the place come next.")
                                    % {"new": new_report()}, keyboard=_menu(state.language))])
    if incoming.kind == "unsupported":
        return _unsupported(state)
    return _menu_hint(state)


_DIGITS = re.compile(r"[\d\s\-]+")


def _typed_answer(state: State, satisfied: bool, catalog: Catalog, chat: str) -> Result:
    waiting = next((c for c in catalog.mine(chat) if c.answerable_event), None)
    if waiting is None or waiting.answerable_event is None:
        return Result(state, [Reply(_("None of your requests is waiting for an answer."),
                                    keyboard=_menu(state.language))])
    return Result(state, effects=[Answer(waiting.case_id, waiting.answerable_event,
                                         satisfied)])


def _stale(state: State) -> Result:
    return Result(state, toast=_("This button is no longer in use."), buttons=())


def _unsupported(state: State) -> Result:
    return Result(state, [Reply(_("I can read text, locations, photos and contacts only. "
                                  "Please write it in words."))])


def _ask_code(state: State) -> Result:
    return Result(State(Step.TRACK, {}, state.language),
                  [Reply(_("Type the tracking code of the request."),
                         keyboard=_cancel_only())])


def _track_step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    typed = latin_digits(incoming.text.strip()) if incoming.kind == "text" else ""
    code = clean_code(typed) if _DIGITS.fullmatch(typed) else ""
    if not code:
        return Result(state, [Reply(_("A tracking code is made of digits only; type it "
                                      "again, or press “%(cancel)s”.")
                                    % {"cancel": cancel()})])
    return _track(state, code, catalog, chat)


def _track(state: State, code: str, catalog: Catalog, chat: str) -> Result:
    found = catalog.summary(code)
    idle = State(Step.IDLE, {}, state.language)
    if found is None:
        return Result(idle, [Reply(_("No request has the tracking code %(code)s. Please check "
                                     "it.") % {"code": code}, keyboard=_menu(state.language))])
    return Result(idle, _summary_replies(found, chat, state.language))


def _summary_replies(found: CaseSummary, chat: str, language: str) -> list[Reply]:
    lines = [_("Request %(code)s: %(subject)s") % {"code": found.code, "subject": found.subject},
             _("Status: %(status)s") % {"status": found.status}]
    if found.unit:
        lines.append(_("With: %(unit)s") % {"unit": _n(found.unit)})
    if found.planned_date:
        lines.append(_("Expected date: %(date)s") % {"date": format_date(found.planned_date)})
    if found.result:
        lines.append(_("Answer: %(note)s") % {"note": found.result})
    if not (found.answerable_event and found.chat == chat):
        return [Reply("\n".join(lines), keyboard=_menu(language))]
    # The citizen's own result, still waiting: the buttons go under it, and the menu
    # comes back with a line of its own (a message carries one kind of keyboard).
    lines.append(_("Are you satisfied with the result?"))
    buttons = tuple(tuple((b["text"], b["callback_data"]) for b in row)
                    for row in satisfaction_buttons(found.case_id, found.answerable_event))
    return [Reply(_("Here is your request."), keyboard=_menu(language)),
            Reply("\n".join(lines), inline=buttons)]


def _mine(state: State, catalog: Catalog, chat: str) -> Result:
    found = catalog.mine(chat)
    idle = State(Step.IDLE, {}, state.language)
    if not found:
        return Result(idle, [Reply(_("You have not sent a request from this chat yet."),
                                   keyboard=_menu(state.language))])
    lines = [_("Your latest requests:")]
    lines += [_("• %(code)s, %(subject)s: %(status)s") % {
        "code": c.code, "subject": c.subject, "status": c.status} for c in found]
    lines.append(_("Type a code to see the request."))
    return Result(idle, [Reply("\n".join(lines), keyboard=_menu(state.language))])


def _satisfaction(state: State, data: str) -> Result:
    parsed = parse_satisfaction_data(data)
    if parsed is None:
        return _stale(state)
    return Result(state, effects=[Answer(*parsed)])


# --- describing the problem and choosing its subject --------------------------------------

def _start_report(state: State, description: str, catalog: Catalog | None = None) -> Result:
    fresh = State(Step.DESCRIBE, {}, state.language)
    if description and catalog is not None:
        result = _described(fresh, description, catalog)
        result.replies.insert(0, Reply(_("Let's write your report."), keyboard=_cancel_only()))
        result.buttons = ()
        return result
    return Result(fresh, [Reply(_("Describe the problem in a few words: what is wrong, and "
                                  "where if you can."), keyboard=_cancel_only())])


def _describe(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    if incoming.kind != "text":
        if incoming.kind == "button":
            return _stale(state)
        return Result(state, [Reply(_("Please describe the problem in words first; photos "
                                      "and the place come next."))])
    description = normalize_text(incoming.text)
    if len(description) < 3:
        return Result(state, [Reply(_("Please write a few words about the problem."))])
    if len(description) > MAX_DESCRIPTION:
        return Result(state, [Reply(_("The description may be at most %(n)s characters; "
                                      "please shorten it.") % {"n": _n(MAX_DESCRIPTION)})])
    return _described(state, description, catalog)


def _described(state: State, description: str, catalog: Catalog) -> Result:
    state.draft["description"] = description
    state.step = Step.SUBJECT
    suggested = catalog.suggestions(description)
    if not suggested:
        return _groups(state, catalog, _("Which group is the problem about?"))
    rows = _rows(suggested, "s")
    rows.append(((_("Another subject…"), "groups"),))
    return Result(state, [Reply(_("Which of these is it about?"), inline=tuple(rows))])


def _groups(state: State, catalog: Catalog, text: str) -> Result:
    return Result(state, [Reply(text, inline=tuple(_rows(catalog.groups(), "g")))])


def _subject_step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    if incoming.kind != "button":
        return Result(state, [Reply(_("Choose the subject with the buttons above, or press "
                                      "“%(cancel)s”.") % {"cancel": cancel()})])
    data = incoming.data
    if data == "groups":
        result = _groups(state, catalog, _("Which group is the problem about?"))
        result.buttons = ()
        return result
    if data.startswith("g:"):
        subjects = catalog.subjects(data[2:])
        if not subjects:
            return _stale(state)
        rows = _rows(subjects, "s")
        rows.append(((_("« Back to the groups"), "groups"),))
        return Result(state, buttons=tuple(rows))
    if data.startswith("s:"):
        subject = catalog.subject(data[2:])
        if subject is None:
            return _stale(state)
        state.draft.update(subject=subject.code, subject_label=subject.label, answers={},
                           question=0)
        chosen = _("Subject: %(subject)s") % {"subject": subject.label}
        if subject.urgent:
            chosen += "\n" + _("If anyone is in danger, call 137 now as well.")
        result = _next_question(state, catalog, [Reply(chosen)])
        result.buttons = ()
        return result
    return _stale(state)


# --- the subject's extra questions ---------------------------------------------------------

def _questions(state: State, catalog: Catalog) -> list[Question]:
    subject = catalog.subject(state.draft.get("subject", ""))
    return list(subject.questions) if subject else []


def _next_question(state: State, catalog: Catalog, replies: list[Reply]) -> Result:
    """Ask the next question that takes an answer, or go on to the place."""
    asked = _questions(state, catalog)
    index = int(state.draft.get("question", 0))
    while index < len(asked) and not asked[index].variable:
        note = localized(asked[index].description)
        if note:
            replies.append(Reply(note))
        index += 1
    state.draft["question"] = index
    if index >= len(asked):
        return _ask_place(state, replies)
    question = asked[index]
    state.step = Step.QUESTION
    state.draft.pop("picked", None)
    replies.append(_question_reply(question, []))
    return Result(state, replies)


def _question_reply(question: Question, picked: list[str]) -> Reply:
    lines = [question.label]
    hint = localized(question.datatype_description)
    if hint:
        lines.append(hint)
    if not question.required:
        lines.append(_("(optional)"))
    return Reply("\n".join(lines), inline=_question_buttons(question, picked))


def _question_buttons(question: Question, picked: list[str]) -> Inline:
    rows: list[tuple[tuple[str, str], ...]] = []
    if question.datatype == "singlevaluelist":
        rows = [((localized(name) or key, f"a:{i}"),)
                for i, (key, name) in enumerate(question.values)]
    elif question.datatype == "multivaluelist":
        rows = [((("✅ " if key in picked else "") + (localized(name) or key), f"m:{i}"),)
                for i, (key, name) in enumerate(question.values)]
        rows.append(((_("Done"), "done"),))
    if not question.required:
        rows.append(((skip(), "skip"),))
    return tuple(rows)


def _question_step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    asked = _questions(state, catalog)
    index = int(state.draft.get("question", 0))
    if index >= len(asked):  # the subject's questions changed meanwhile
        return _next_question(state, catalog, [])
    question = asked[index]
    picked: list[str] = list(state.draft.get("picked") or [])
    given: list[str] | None = None
    if incoming.kind == "button":
        data = incoming.data
        if data == "skip" and not question.required:
            given = []
        elif data.startswith("a:") and question.datatype == "singlevaluelist":
            given = _value_at(question, data[2:])
            if given is None:
                return _stale(state)
        elif data.startswith("m:") and question.datatype == "multivaluelist":
            key = _value_at(question, data[2:])
            if key is None:
                return _stale(state)
            picked = [k for k in picked if k != key[0]] if key[0] in picked else picked + key
            state.draft["picked"] = picked
            return Result(state, buttons=_question_buttons(question, picked))
        elif data == "done" and question.datatype == "multivaluelist":
            given = [",".join(picked)] if picked else []
        else:
            return _stale(state)
    elif incoming.kind == "text" and question.datatype not in {"singlevaluelist",
                                                                "multivaluelist"}:
        given = [incoming.text]
    else:
        return Result(state, [Reply(_("Please answer with the buttons above."))
                              if question.datatype in {"singlevaluelist", "multivaluelist"}
                              else Reply(_("Please answer in words."))])
    value, problem = answer(question, given)
    if problem:
        return Result(state, [Reply(_answer_problem(question, problem))])
    if value is not None:
        state.draft.setdefault("answers", {})[question.code] = value
    state.draft["question"] = index + 1
    result = _next_question(state, catalog, [])
    if incoming.kind == "button":
        result.buttons = ()
    return result


def _value_at(question: Question, index: str) -> list[str] | None:
    chosen = parse_whole(index, maximum=len(question.values) - 1)
    if chosen is None:
        return None
    return [question.values[chosen][0]]


def _answer_problem(question: Question, problem: str) -> str:
    """The problem in the citizen's words (the shared rules speak of attribute codes)."""
    if question.datatype == "number":
        return _("Please answer with a number.")
    if question.datatype == "datetime":
        return _("Please write the date and time like 2025-01-31 14:30.")
    if question.datatype in {"singlevaluelist", "multivaluelist"}:
        return _("Please choose at least one of the answers above.")
    if "must be answered" in problem or not problem:
        return _("This question must be answered.")
    return _("The answer is too long; please shorten it.")


# --- the place ----------------------------------------------------------------------------

def _ask_place(state: State, replies: list[Reply]) -> Result:
    state.step = Step.PLACE
    replies.append(Reply(_("Where is the problem? Share its location (📎 then “Location”), "
                           "type its address, or press “%(unknown)s”.")
                         % {"unknown": dont_know()}, keyboard=_place_keys()))
    return Result(state, replies)


def _place_step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    draft = state.draft
    if incoming.kind == "location" and incoming.lat is not None and incoming.lon is not None:
        if not (-90 <= incoming.lat <= 90 and -180 <= incoming.lon <= 180):
            return Result(state, [Reply(_("This location is not valid; share it again."))])
        draft.update(lat=incoming.lat, lon=incoming.lon)
        draft.pop("address", None)
        district = catalog.district(incoming.lat, incoming.lon)
        draft["place"] = _n(district) if district else _("the shared location")
        said = (_("Place received: %(district)s.") % {"district": _n(district)} if district
                else _("This place is outside the city's districts; the centre will route "
                       "your request by hand."))
        return _ask_photos(state, [Reply(said)])
    if incoming.kind == "button":
        if incoming.data.startswith("place:") and draft.get("places"):
            index = incoming.data[6:]
            places = draft["places"]
            at = parse_whole(index, maximum=len(places) - 1)
            if at is None:
                return _stale(state)
            chosen = places[at]
            draft.update(lat=chosen["lat"], lon=chosen["lon"], place=chosen["label"])
            draft.pop("places", None)
            result = _ask_photos(state, [Reply(_("Place received: %(place)s.")
                                               % {"place": chosen["label"]})])
            result.buttons = ()
            return result
        if incoming.data == "address" and draft.get("address"):
            draft.pop("places", None)
            result = _ask_photos(state, [])
            result.buttons = ()
            return result
        return _stale(state)
    if incoming.kind == "text":
        if _pressed(incoming.text, dont_know):
            for key in ("lat", "lon", "address", "places", "place"):
                draft.pop(key, None)
            return _ask_photos(state, [Reply(_("That's fine; the centre will find the "
                                               "place."))])
        if _pressed(incoming.text, send_location):
            return Result(state, [Reply(_("Your messenger did not share the location. Turn "
                                          "on location sharing, or type the address."))])
        address = normalize_text(incoming.text)[:MAX_ADDRESS]
        for key in ("lat", "lon", "place"):
            draft.pop(key, None)
        draft.update(address=address)
        found = catalog.places(address)
        if found:
            draft["places"] = [{"label": p.label, "lat": p.lat, "lon": p.lon} for p in found]
            rows: list[tuple[tuple[str, str], ...]] = [
                ((p.label, f"place:{i}"),) for i, p in enumerate(found)]
            rows.append(((_("None of these; keep what I typed"), "address"),))
            return Result(state, [Reply(_("Is it one of these places?"), inline=tuple(rows))])
        return _ask_photos(state, [Reply(_("Address received."))])
    if incoming.kind == "unsupported":
        return _unsupported(state)
    return Result(state, [Reply(_("Share the location, type the address, or press "
                                  "“%(unknown)s”.") % {"unknown": dont_know()})])


# --- photos -------------------------------------------------------------------------------

def _ask_photos(state: State, replies: list[Reply]) -> Result:
    state.step = Step.PHOTOS
    count = int(state.draft.get("photos", 0))
    if count >= MAX_PHOTOS:
        return _ask_phone(state, replies)
    replies.append(Reply(_("Send photos of the problem if you have any (up to %(n)s), then "
                           "press “%(next)s”. No photo? Just press “%(next)s”.")
                         % {"n": _n(MAX_PHOTOS), "next": next_step()}, keyboard=_photo_keys()))
    return Result(state, replies)


def _photo(state: State, incoming: Incoming) -> Result:
    if state.step not in PHOTO_STEPS:
        return Result(state, [Reply(_("Please describe the problem in words first; photos "
                                      "and the place come next."))])
    if incoming.problem:
        return Result(state, [Reply(incoming.problem)])
    draft = state.draft
    count = int(draft.get("photos", 0))
    unique = incoming.photo.file_unique_id if incoming.photo else ""
    if unique and unique in draft.get("photo_ids", []):
        return Result(state, [Reply(_("You have sent this photo already."))])
    if count >= MAX_PHOTOS:
        return Result(state, [Reply(_("A report takes at most %(n)s photos; the others were "
                                      "not kept.") % {"n": _n(MAX_PHOTOS)})])
    draft["photos"] = count + 1
    if unique:
        draft["photo_ids"] = [*draft.get("photo_ids", []), unique]
    said = _("Photo %(n)s received.") % {"n": _n(count + 1)}
    if state.step != Step.PHOTOS:
        return Result(state, [Reply(said)], [KeepPhoto()])
    if count + 1 >= MAX_PHOTOS:
        result = _ask_phone(state, [Reply(said)])
        result.effects.append(KeepPhoto())
        return result
    return Result(state, [Reply(said + " " + _("Send another, or press “%(next)s”.")
                                % {"next": next_step()})], [KeepPhoto()])


def _photos_step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    if incoming.kind == "text" and (_pressed(incoming.text, next_step)
                                    or _pressed(incoming.text, skip)):
        return _ask_phone(state, [])
    if incoming.kind == "button":
        return _stale(state)
    return Result(state, [Reply(_("Send a photo, or press “%(next)s”.")
                                % {"next": next_step()})])


# --- the phone number ---------------------------------------------------------------------

def _ask_phone(state: State, replies: list[Reply]) -> Result:
    state.step = Step.PHONE
    replies.append(Reply(_("May the centre call you about it? Share your phone number with "
                           "the button below, or type it. This is optional."),
                         keyboard=_phone_keys()))
    return Result(state, replies)


def _take_phone(state: State, incoming: Incoming) -> str | None:
    """Record a shared or typed phone; the problem with it, or None when taken.

    A number the platform vouches for (the shared contact is the sender's own) is never
    replaced by a typed one.
    """
    raw = incoming.phone if incoming.kind == "contact" else incoming.text
    verified = incoming.kind == "contact" and incoming.own_phone
    try:
        phone = normalize_phone(raw)
    except InvalidInput as error:
        return str(error)
    if state.draft.get("phone_verified") and not verified:
        return None
    state.draft.update(phone=phone, phone_verified=verified)
    return None


def _phone_step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    if incoming.kind == "text" and _pressed(incoming.text, skip):
        state.draft.pop("phone", None)
        state.draft.pop("phone_verified", None)
        return _confirm(state, catalog, [])
    if incoming.kind == "text" and _pressed(incoming.text, share_phone):
        return Result(state, [Reply(_("Your messenger did not share the number; type it "
                                      "instead, or press “%(skip)s”.") % {"skip": skip()})])
    if incoming.kind in {"contact", "text"}:
        problem = _take_phone(state, incoming)
        if problem:
            return Result(state, [Reply(problem)])
        return _confirm(state, catalog, [])
    if incoming.kind == "button":
        return _stale(state)
    return Result(state, [Reply(_("Share your number with the button below, type it, or "
                                  "press “%(skip)s”.") % {"skip": skip()})])


# --- the summary --------------------------------------------------------------------------

def _confirm(state: State, catalog: Catalog, replies: list[Reply]) -> Result:
    state.step = Step.CONFIRM
    replies.append(Reply(_summary(state.draft, catalog),
                         keyboard=((Button(send()),), (Button(cancel()),))))
    return Result(state, replies)


def _summary(draft: dict[str, Any], catalog: Catalog) -> str:
    lines = [_("Please check your report:"),
             _("Subject: %(subject)s") % {"subject": draft.get("subject_label", "")},
             _("Description: %(text)s") % {"text": _n(draft.get("description", ""))}]
    answers = draft.get("answers") or {}
    for question in _questions(State(Step.CONFIRM, draft), catalog):
        if question.code in answers:
            lines.append(f"{question.label}: {_shown_answer(question, answers[question.code])}")
    if draft.get("lat") is not None:
        lines.append(_("Place: %(place)s") % {"place": draft.get("place", "")})
    elif draft.get("address"):
        lines.append(_("Place: %(address)s") % {"address": _n(draft["address"])})
    else:
        lines.append(_("Place: not known"))
    lines.append(_("Photos: %(n)s") % {"n": _n(int(draft.get("photos", 0)))})
    if draft.get("phone"):
        lines.append(_("Phone: %(phone)s") % {"phone": _n(local_phone(draft["phone"]))})
    else:
        lines.append(_("Phone: not given"))
    lines.append(_("Send it to the 137 centre?"))
    return "\n".join(lines)


def _shown_answer(question: Question, value: Any) -> str:
    names = {key: localized(name) or key for key, name in question.values}
    values = value if isinstance(value, list) else [value]
    return _n("، ".join(names.get(str(v), str(v)) for v in values) if is_persian()
              else ", ".join(names.get(str(v), str(v)) for v in values))


def _confirm_step(state: State, incoming: Incoming, catalog: Catalog, chat: str) -> Result:
    if incoming.kind == "text" and _pressed(incoming.text, send):
        return Result(state, effects=[Submit(dict(state.draft))])
    if incoming.kind == "button":
        return _stale(state)
    if incoming.kind == "contact":
        problem = _take_phone(state, incoming)
        return _confirm(state, catalog, [Reply(problem)] if problem else [])
    return Result(state, [Reply(_("Press “%(send)s” to send your report, or “%(cancel)s”.")
                                % {"send": send(), "cancel": cancel()})])


def submitted(state: State) -> Result:
    """After the report was recorded (its receipt with the code is on its way)."""
    with override(state.language):
        return Result(State(Step.IDLE, {}, state.language), [Reply(
            _("Thank you. You will hear here how your request goes; to report another "
              "problem, use the menu."), keyboard=_menu(state.language))])


def refused(state: State, problem: str) -> Result:
    """The report could not be recorded as it is: say why and stay at the summary."""
    with override(state.language):
        return Result(state, [Reply(problem + "\n" + _("Correct it, or press “%(cancel)s” and "
                                                        "start again.") % {"cancel": cancel()})])


def expired(state: State, minutes: int) -> Result:
    """A report left half-way: it is dropped, and the citizen is told."""
    with override(state.language):
        result = _restart(state, _("Your unfinished report expired after %(minutes)s minutes "
                                   "without an answer; nothing was sent. Press “%(new)s” to "
                                   "start again.") % {"minutes": _n(minutes),
                                                      "new": new_report()})
    result.effects.append(DropPhotos())
    return result


def answered(state: State, satisfied: bool | None, problem: str = "") -> Result:
    """The toast on a satisfaction button: recorded, or why not."""
    with override(state.language):
        if problem:
            return Result(state, toast=problem)
        return Result(state, toast=_("Thank you: your answer was recorded.") if satisfied else
                      _("Your objection was recorded and the request was sent back to the "
                        "unit."))


def trouble(state: State) -> Result:
    """Something failed on our side: the citizen may simply try again."""
    with override(state.language):
        return Result(state, [Reply(_("Sorry, something went wrong on our side. Please try "
                                      "again in a moment."))])


HANDLERS = {
    Step.IDLE: _idle,
    Step.TRACK: _track_step,
    Step.DESCRIBE: _describe,
    Step.SUBJECT: _subject_step,
    Step.QUESTION: _question_step,
    Step.PLACE: _place_step,
    Step.PHOTOS: _photos_step,
    Step.PHONE: _phone_step,
    Step.CONFIRM: _confirm_step,
}

