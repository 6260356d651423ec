"""Django's own strings that its Persian catalogue lacks or words awkwardly.

Nothing calls this module: it is here so that `scripts/messages.sh` (makemessages) copies
these messages into our catalogue, which Django reads before its own, and our Persian wins.
The admin's "Please correct the error below." was English, and «حذف واحدها های انتخاب شده»
added a second plural to our plural model names.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MISSING_OR_REWORDED = (
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "n"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Model name"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Recent actions"),
    gettext_noop("My actions"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Items must be selected in order to perform actions on them. No items have "
                 "been changed."),
)
