"""Reads the interfaces use to decide what to record."""

from typing import Any

from open137.cases.models import Case


def has_contact(case: Case) -> bool:
    """True when the request holds any contact detail of its citizen."""
    return bool(case.contact_name or case.contact_phone or case.contact_email)


def rows_with_contact(rows: list[Any]) -> list[Any]:
    """The ids of API rows that show a contact detail."""
    return [row["id"] for row in rows
            if any((row.get("contact") or {}).get(k) for k in ("name", "phone", "email"))]
