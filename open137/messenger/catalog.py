"""What the conversation reads: the city's subjects, districts and places, and requests.

Reads only; the conversation (messenger.conversation) asks through a Catalog so that it
stays free of queries and can be run in a test with the city loaded and nothing else.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from open137.cases.models import Case, CaseEvent
from open137.cases.queries import find_by_tracking_code
from open137.cases.workflow import Status, Step
from open137.core.numbers import parse_id, parse_whole
from open137.directory.models import District, Subject, SubjectGroup
from open137.directory.queries import city, locate_district
from open137.directory.questions import Question, questions
from open137.places.search import search as search_places

log = logging.getLogger(__name__)
SHOWN_REQUESTS = 10


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class SubjectInfo:
    code: str
    label: str
    urgent: bool
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float


@dataclass(frozen=True)
class CaseSummary:
    """A request as its citizen may see it by tracking code."""

    case_id: int
    code: str
    subject: str
    status: str
    unit: str
    planned_date: date | None
    result: str
    chat: str
    # The result the citizen may still answer with the buttons (its event), if any.
    answerable_event: int | None


class Catalog:
    """The city and its requests, read when the conversation asks (in the active language)."""

    def city_name(self) -> str:
        here = city()
        return here.name if here else ""

    def suggestions(self, text: str, k: int = 3) -> list[Choice]:
        """The subjects the classifier proposes for a description, best first."""
        try:
            from open137.intelligence.suggest import suggest

            found = suggest(text, k)
        except Exception:  # a missing or broken model must not stop the report
            log.exception("Subject suggestion failed in the messenger")
            return []
        subjects = Subject.objects.filter(active=True).in_bulk(
            [code for code, _score in found], field_name="code")
        return [Choice(str(subjects[code].pk), subjects[code].name)
                for code, _score in found if code in subjects]

    def groups(self) -> list[Choice]:
        used = Subject.objects.filter(active=True).values("group")
        rows = SubjectGroup.objects.filter(pk__in=used).order_by("position", "code")
        groups = [Choice(str(g.pk), g.name) for g in rows]
        if Subject.objects.filter(active=True, group__isnull=True).exists():
            groups.append(Choice("0", _other()))
        return groups

    def subjects(self, group: str) -> list[Choice]:
        """The active subjects of a group ("0": those in none)."""
        number = parse_whole(group)
        if number is None:
            return []
        rows = Subject.objects.filter(active=True).order_by("position", "code")
        rows = (rows.filter(group__isnull=True) if number == 0
                else rows.filter(group_id=number))
        return [Choice(str(s.pk), s.name) for s in rows]

    def subject(self, key: str) -> SubjectInfo | None:
        """The active subject with this key (its id in a button, or its code)."""
        rows = Subject.objects.filter(active=True)
        pk = parse_id(key)
        found = (rows.filter(pk=pk).first() if pk else None) or rows.filter(code=key).first()
        if found is None:
            return None
        return SubjectInfo(found.code, found.name, found.urgent,
                           tuple(questions(found.attributes)))

    def district(self, lat: float, lon: float) -> str | None:
        """The name of the district that contains the point, or None outside them all."""
        code = locate_district(lat, lon)
        found = District.objects.filter(code=code).first() if code else None
        return found.name if found else None

    def places(self, text: str) -> list[Place]:
        """Places of the city's gazetteer that match an address, best first (none without
        a gazetteer)."""
        found = search_places(text, limit=5)
        return [Place(item.name[:60], item.lat, item.lon) for item in found]

    def summary(self, code: str) -> CaseSummary | None:
        case = find_by_tracking_code(code)
        return _summary(case) if case is not None else None

    def mine(self, chat: str) -> list[CaseSummary]:
        """The latest requests sent from this chat."""
        cases = (Case.objects.filter(contact_chat=chat).select_related("subject", "unit")
                 .order_by("-created_at", "-pk")[:SHOWN_REQUESTS])
        return [_summary(case) for case in cases]


def _other() -> str:
    return _("Other subjects")


def _summary(case: Case) -> CaseSummary:
    answerable = None
    # Like 1 or 2 by SMS: a result is answered while the request is resolved (a reopened and
    # resolved again request waits for an answer to its new result); the window and the
    # rest are answer_satisfaction's to say.
    if case.status == Status.RESOLVED:
        answerable = (CaseEvent.objects.filter(case=case, step=Step.RESOLVE)
                      .order_by("-at", "-pk").values_list("pk", flat=True).first())
    return CaseSummary(
        case_id=case.pk, code=case.tracking_code, subject=case.subject.name,
        status=str(Status(case.status).label), unit=case.unit.name if case.unit else "",
        planned_date=case.planned_date if case.status == Status.PLANNED else None,
        result=case.result_note if case.status in {Status.RESOLVED, Status.REJECTED,
                                                   Status.CLOSED} else "",
        chat=case.contact_chat, answerable_event=answerable)

