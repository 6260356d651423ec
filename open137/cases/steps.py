"""The steps staff take on a request from a page or the API, each through its action.

The desk's step forms and the API's step views both take a step with `take_step`, giving
the action's own argument names (note, reason, unit, expected_date, question); each
interface turns its field names into these once, in its form or serializer.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.files.base import File
from django.db import transaction

from open137.cases import actions
from open137.cases.models import Case, CaseEvent
from open137.cases.workflow import Step

ACTIONS: dict[Step, Callable[..., CaseEvent]] = {
    Step.ACCEPT: actions.accept_case,
    Step.RESOLVE: actions.resolve_case,
    Step.RETURN: actions.return_case,
    Step.PLAN: actions.plan_case,
    Step.REJECT: actions.reject_case,
    Step.REFER: actions.refer_case,
    Step.ASK: actions.ask_citizen,
}


@transaction.atomic
def take_step(case: Case, step: Step, *, by: actions.User, photos: Sequence[File] = (),
              **arguments: Any) -> CaseEvent:
    """Take a staff step on the request through its action, with the action's arguments;
    `photos` (a result's after-photos) are attached to the step in the same transaction,
    so that both are kept or neither."""
    event = ACTIONS[step](case, by=by, **arguments)
    for photo in photos:
        actions.add_attachment(case, file=photo, by=by, event=event)
    return event
