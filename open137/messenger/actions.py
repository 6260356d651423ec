"""Every write of the messenger channel: an update taken, a report recorded as a request,
an answer to a result, a conversation left half-way expired.

An update is taken once: its row (unique update_id) is written in the same transaction as
everything it causes, so the same update delivered twice (a webhook retry, a poll after a
crash) finds the row and does nothing. Answers to the chat are outbox rows of that
transaction too; the worker delivers them. Requests are written by the lifecycle's own
actions (receive_case, add_attachment, answer_satisfaction).
"""

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from open137.cases import actions as cases
from open137.cases.models import Case, CaseEvent, Channel
from open137.cases.workflow import Step as CaseStep
from open137.core.errors import DomainError
from open137.core.inserts import insert_unless_exists
from open137.core.ratelimit import hit
from open137.directory.models import Subject
from open137.messenger import conversation as talk
from open137.messenger.catalog import Catalog
from open137.messenger.models import Conversation, DraftPhoto, Poller, Update
from open137.messenger.photos import Fetched, fetch
from open137.messenger.updates import Parsed, parse
from open137.notifications import actions as outbox

log = logging.getLogger(__name__)
User = AbstractBaseUser | AnonymousUser | None

# Updates are remembered this long: the platform gives up redelivering long before, and a
# bot idle for a week may be given update ids it used before.
KEEP_UPDATES = timedelta(days=3)


def receive_update(update: Any, *, by: User = None, now: datetime | None = None) -> str:
    """Act on one update from the platform, once; what it did ("duplicate" the second
    time). InvalidInput when it is not an update at all."""
    parsed = parse(update, photo_limit=settings.UPLOAD_MAX_BYTES)
    if Update.objects.filter(update_id=parsed.update_id).exists():
        return "duplicate"
    # A photo is fetched before the transaction: the platform may be slow, and nothing
    # should wait on it with the database locked.
    photo: Fetched | str | None = None
    incoming = parsed.incoming
    if incoming is not None and incoming.kind == "photo" and incoming.photo is not None:
        found = Conversation.objects.filter(chat=parsed.chat).values_list(
            "step", "draft", "language").first()
        if found and found[0] in talk.PHOTO_STEPS and \
                int((found[1] or {}).get("photos", 0)) < talk.MAX_PHOTOS:
            with override(found[2]):
                photo = fetch(incoming.photo)
    return take_update(parsed, photo=photo, by=by, now=now or timezone.now())


@transaction.atomic
def take_update(parsed: Parsed, *, photo: Fetched | str | None, by: User,
                now: datetime) -> str:
    """Record the update and carry out what the conversation makes of it."""
    row = Update(update_id=parsed.update_id, chat=parsed.chat, kind=parsed.kind,
                 received_at=now)
    if not insert_unless_exists(row, unique="update_id"):
        return "duplicate"
    outcome = _take(parsed, photo, by=by, now=now)
    Update.objects.filter(pk=row.pk).update(outcome=outcome)
    return outcome


def _take(parsed: Parsed, photo: Fetched | str | None, *, by: User, now: datetime) -> str:
    incoming = parsed.incoming
    if incoming is None:
        return "ignored"
    allowed, _retry = hit(f"messenger:{parsed.chat}", settings.RATE_LIMIT_MESSENGER)
    if not allowed:
        return "throttled"
    chat = parsed.chat
    Conversation.objects.get_or_create(chat=chat, defaults={"started_at": now,
                                                            "updated_at": now})
    conversation = Conversation.objects.select_for_update().get(chat=chat)
    key = f"messenger:update-{parsed.update_id}"
    state = talk.State(conversation.step, dict(conversation.draft), conversation.language)
    sent = 0
    if conversation.step in talk.REPORT_STEPS and conversation.updated_at < now - _timeout():
        expired = talk.expired(state, settings.MESSENGER_CONVERSATION_MINUTES)
        sent = _send(chat, expired, key=key, language=state.language, first=sent)
        _drop_photos(conversation)
        state = expired.state
    if incoming.kind == "photo" and isinstance(photo, str):
        incoming = replace(incoming, problem=photo)
    elif incoming.kind == "photo" and photo is None and state.step in talk.PHOTO_STEPS:
        # The conversation reached a photo step after the photo arrived: it was not fetched.
        with override(state.language):
            incoming = replace(incoming, problem=_("We could not receive that photo; please "
                                                   "send it again."))
    result = talk.step(state, incoming, Catalog(), chat=chat)
    outcome = _outcome(result)
    with override(result.state.language):
        result = _carry_out(conversation, result, photo, by=by, now=now)
    if outcome == "submitted" and result.state.step != talk.Step.IDLE:
        outcome = "refused"
    conversation.step = result.state.step
    conversation.draft = result.state.draft
    conversation.language = result.state.language
    conversation.updated_at = now
    conversation.save()
    if parsed.callback_id:
        outbox.enqueue_bot_call(to=chat, method="answerCallbackQuery", key=f"{key}:answer",
                                params={"callback_query_id": parsed.callback_id,
                                        **({"text": result.toast} if result.toast else {})},
                                language=result.state.language)
        if result.buttons is not None and parsed.message_id is not None:
            outbox.enqueue_bot_call(
                to=chat, method="editMessageReplyMarkup", key=f"{key}:buttons",
                params={"chat_id": chat, "message_id": parsed.message_id,
                        "reply_markup": {"inline_keyboard": _inline(result.buttons)}},
                language=result.state.language)
    elif result.toast:
        result.replies.insert(0, talk.Reply(result.toast))
    _send(chat, result, key=key, language=result.state.language, first=sent)
    return outcome


def _timeout() -> timedelta:
    return timedelta(minutes=settings.MESSENGER_CONVERSATION_MINUTES)


def _outcome(result: talk.Result) -> str:
    for effect in result.effects:
        if isinstance(effect, talk.Submit):
            return "submitted"
        if isinstance(effect, talk.Answer):
            return "answered"
    return result.state.step


def _carry_out(conversation: Conversation, result: talk.Result,
               photo: Fetched | str | None, *, by: User, now: datetime) -> talk.Result:
    """Make the conversation's writes; the result as the citizen should hear it."""
    for effect in result.effects:
        if isinstance(effect, talk.KeepPhoto) and isinstance(photo, Fetched):
            count = int(result.state.draft.get("photos", 0))
            DraftPhoto.objects.create(conversation=conversation,
                                      file=photo.upload(f"photo-{count}"),
                                      content_type=photo.content_type,
                                      file_unique_id=photo.unique_id[:200], created_at=now)
        elif isinstance(effect, talk.DropPhotos):
            _drop_photos(conversation)
        elif isinstance(effect, talk.Submit):
            return _submit(conversation, result, effect.draft, by=by, now=now)
        elif isinstance(effect, talk.Answer):
            return _answer(conversation, result, effect, by=by)
    return result


def _submit(conversation: Conversation, result: talk.Result, draft: dict[str, Any], *,
            by: User, now: datetime) -> talk.Result:
    state = result.state
    subject = Subject.objects.filter(code=draft.get("subject", ""), active=True).first()
    if subject is None:
        return talk.refused(state, _("This subject is no longer in use."))
    try:
        # A savepoint: a refused report leaves the conversation where it was.
        with transaction.atomic():
            case = cases.receive_case(
                subject=subject, channel=Channel.MESSENGER, by=by,
                description=draft.get("description", ""), lat=draft.get("lat"),
                lon=draft.get("lon"), address=draft.get("address", ""),
                contact_phone=draft.get("phone", ""),
                phone_verified=bool(draft.get("phone_verified")),
                contact_chat=conversation.chat, language=conversation.language,
                attributes=draft.get("answers") or {}, at=now)
            for i, kept in enumerate(conversation.photos.all(), start=1):
                with kept.file.open("rb") as f:
                    content = f.read()
                upload = Fetched(content, kept.content_type, "").upload(f"photo-{i}")
                cases.add_attachment(case, file=upload, by=by)
            _join_incident(case)
    except DomainError as error:
        return talk.refused(state, str(error))
    _drop_photos(conversation)
    return talk.submitted(state)


def _join_incident(case: Case) -> None:
    """Attach the new request to a declared mass incident it matches, as web intake does."""
    from open137.intelligence.actions import attach_to_matching_incident

    attach_to_matching_incident(case, by=None)


def _answer(conversation: Conversation, result: talk.Result, effect: talk.Answer, *,
            by: User) -> talk.Result:
    state = result.state
    case = Case.objects.filter(pk=effect.case_id, contact_chat=conversation.chat).first()
    if case is None:
        return talk.answered(state, None, _("This button is no longer in use."))
    latest = (CaseEvent.objects.filter(case=case, step=CaseStep.RESOLVE)
              .order_by("-at", "-pk").values_list("pk", flat=True).first())
    if latest != effect.event_id:
        return talk.answered(state, None, _("A newer result of request %(code)s has been "
                                            "sent; answer that one.")
                             % {"code": case.tracking_code})
    try:
        with transaction.atomic():
            cases.answer_satisfaction(case, satisfied=effect.satisfied, by=by)
    except DomainError as error:
        return talk.answered(state, None, str(error))
    return talk.answered(state, effect.satisfied)


def _drop_photos(conversation: Conversation) -> None:
    photos = list(conversation.photos.all())
    if not photos:
        return
    names = [p.file.name for p in photos if p.file.name]
    DraftPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
    storage = photos[0].file.storage

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    # Files go once the deletion is committed: a rolled-back update keeps them.
    transaction.on_commit(delete_files)


def _inline(rows: talk.Inline) -> list[list[dict[str, str]]]:
    return [[{"text": label[:64], "callback_data": data} for label, data in row]
            for row in rows]


def _markup(reply: talk.Reply) -> dict[str, Any] | None:
    if reply.inline:
        return {"inline_keyboard": _inline(reply.inline)}
    if reply.keyboard is None:
        return None
    return {"resize_keyboard": True, "keyboard": [
        [{"text": b.text, **({f"request_{b.request}": True} if b.request else {})}
         for b in row] for row in reply.keyboard]}


def _send(chat: str, result: talk.Result, *, key: str, language: str, first: int = 0) -> int:
    """Queue the result's replies; how many replies the update has queued so far."""
    n = first
    for reply in result.replies:
        markup = _markup(reply)
        outbox.enqueue_bot_call(to=chat, method="sendMessage", text=reply.text,
                                key=f"{key}:reply-{n}", language=language,
                                params={"reply_markup": markup} if markup else {})
        n += 1
    return n


@transaction.atomic
def expire_conversations(*, now: datetime, by: User = None) -> int:
    """End every report left half-way longer than MESSENGER_CONVERSATION_MINUTES and tell
    its chat; how many ended."""
    cutoff = now - _timeout()
    ended = 0
    stale = Conversation.objects.select_for_update().filter(
        step__in=list(talk.REPORT_STEPS), updated_at__lt=cutoff)
    for conversation in stale:
        state = talk.State(conversation.step, dict(conversation.draft), conversation.language)
        result = talk.expired(state, settings.MESSENGER_CONVERSATION_MINUTES)
        _send(conversation.chat, result, language=state.language,
              key=f"messenger:expired-{conversation.pk}-{conversation.updated_at.timestamp()}")
        _drop_photos(conversation)
        conversation.step, conversation.draft = result.state.step, result.state.draft
        conversation.save(update_fields=["step", "draft"])
        ended += 1
    log.debug("%s ended %d unfinished messenger reports", getattr(by, "username", "system"),
              ended)
    return ended


@transaction.atomic
def forget_old_updates(*, now: datetime, by: User = None) -> int:
    """Forget updates older than KEEP_UPDATES, and photos of reports no longer written."""
    removed, _kinds = Update.objects.filter(received_at__lt=now - KEEP_UPDATES).delete()
    for conversation in Conversation.objects.filter(
            ~Q(step__in=list(talk.PHOTO_STEPS)), photos__isnull=False).distinct():
        _drop_photos(conversation)
    return removed


@transaction.atomic
def record_failed_update(update: Any, *, by: User = None, now: datetime | None = None) -> bool:
    """Give up an update that cannot be taken (it kept failing): record it so that it is
    not taken again, and tell its chat to try again. False if it was already recorded."""
    now = now or timezone.now()
    parsed = parse(update, photo_limit=settings.UPLOAD_MAX_BYTES)
    row = Update(update_id=parsed.update_id, chat=parsed.chat, kind=parsed.kind,
                 received_at=now, outcome="failed")
    if not insert_unless_exists(row, unique="update_id"):
        return False
    if parsed.chat and parsed.incoming is not None:
        language = Conversation.objects.filter(chat=parsed.chat).values_list(
            "language", flat=True).first() or settings.LANGUAGE_CODE
        result = talk.trouble(talk.State(language=language))
        _send(parsed.chat, result, key=f"messenger:update-{parsed.update_id}:failed",
              language=language)
    log.warning("%s gave up messenger update %s", getattr(by, "username", "system"),
                parsed.update_id)
    return True


@transaction.atomic
def hold_poller(*, holder: str, seconds: float, now: datetime | None = None) -> bool:
    """Take or keep the right to poll the platform for `seconds`; False while another
    worker holds it (two pollers would be refused by the platform)."""
    now = now or timezone.now()
    Poller.objects.get_or_create(name="updates", defaults={"lease_until": now})
    return Poller.objects.filter(name="updates").filter(
        Q(holder=holder) | Q(lease_until__lte=now)).update(
        holder=holder, lease_until=now + timedelta(seconds=seconds)) == 1
