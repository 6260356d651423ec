#!/usr/bin/env bash
# Refresh the Persian message catalogue from the code and compile it.
#
# The catalogue is kept without source locations and sorted by message, so that two
# changes that add different strings touch different lines of it.
#
# Usage: scripts/messages.sh     (needs GNU gettext: msgcat, msgfmt)
set -euo pipefail
cd "$(dirname "$0")/../open137"
PO=locale/fa/LC_MESSAGES/django.po
../.venv/bin/open137 makemessages -l fa --no-location --no-obsolete \
  --ignore 'static/*' --ignore 'tests/*' --ignore '*/tests/*' -v0
msgcat --no-location --sort-output --no-wrap -o "$PO.sorted" "$PO"
mv "$PO.sorted" "$PO"
msgfmt --check-format -o locale/fa/LC_MESSAGES/django.mo "$PO"
untranslated=$(msgattrib --untranslated --no-obsolete "$PO" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$PO" | grep -c '^msgid ' || true)
# The header counts once in each listing.
echo "messages: $((untranslated > 0 ? untranslated - 1 : 0)) untranslated, $((fuzzy > 0 ? fuzzy - 1 : 0)) fuzzy"
