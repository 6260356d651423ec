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

# The account form of Django's admin: strings newer than Django's Persian catalogue.
ACCOUNT_FORM = (
    gettext_noop("Password-based authentication"),
    gettext_noop("Whether the user will be able to authenticate using a password or not. If "
                 "disabled, they may still be able to authenticate using other backends, such "
                 "as Single Sign-On or LDAP."),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Reset password"),
    gettext_noop("Set password"),
    gettext_noop("No password set."),
    gettext_noop("Search"),
)

# How a stored password is described (its parts are shown, masked).
PASSWORD_HASH = (gettext_noop("algorithm"), gettext_noop("iterations"), gettext_noop("salt"),
                 gettext_noop("hash"))

# django-axes's admin: its Persian catalogue lacks these.
SIGN_IN_ATTEMPTS = (gettext_noop("Locked Out"), gettext_noop("Form Data"),
                    gettext_noop("Meta Data"), gettext_noop("Clean up expired attempts"),
                    gettext_noop("Not set"), gettext_noop("Attempt Remaining"))
