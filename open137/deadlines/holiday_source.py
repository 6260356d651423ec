"""Iran's official holidays for one Jalali (Solar Hijri) year, from the `holidays` package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
import jdatetime
from holidays import HolidayBase

NAME_SEPARATOR_FA = "؛ "
NAME_SEPARATOR_EN = "; "


@dataclass(frozen=True)
class HolidaySeed:
    """One day off: Gregorian date, names, and whether its lunar date is still an estimate."""

    date: date
    name_fa: str
    name_en: str
    estimated: bool


def _iran(gregorian_years: list[int], language: str, *, label_estimates: bool) -> HolidayBase:
    """Return the `holidays` package's Iran calendar for the given years and language."""
    return holidays.country_holidays(
        "IR", years=gregorian_years, language=language, islamic_show_estimated=label_estimates
    )


def _english_names(persian: list[str], english: HolidayBase, day: date) -> list[str]:
    """Return the English names of `day` in the same order as its Persian names."""
    # Persian is the package's source language, so its names are the message ids; translating
    # them keeps the two name lists aligned, where each language on its own is sorted apart.
    translated = [english.tr(name) for name in persian]
    listed = english.get_list(day)
    return translated if sorted(translated) == sorted(listed) else listed


def iran_holidays(jalali_year: int) -> list[HolidaySeed]:
    """Return one HolidaySeed per Gregorian date whose Jalali year is `jalali_year`, by date."""
    # Jalali year Y runs from late March of Gregorian Y+621 to late March of Y+622.
    years = [jalali_year + 621, jalali_year + 622]
    persian = _iran(years, "fa_IR", label_estimates=False)
    # The package appends its "(estimated)" label to unconfirmed lunar dates only when asked
    # to; comparing both renderings flags them without parsing any label text.
    labelled = _iran(years, "fa_IR", label_estimates=True)
    english = _iran(years, "en_US", label_estimates=False)
    seeds = []
    for day in sorted(persian.keys()):
        if jdatetime.date.fromgregorian(date=day).year != jalali_year:
            continue
        names_fa = persian.get_list(day)
        unconfirmed = set(labelled.get_list(day)) - set(names_fa)
        seeds.append(
            HolidaySeed(
                date=day,
                name_fa=NAME_SEPARATOR_FA.join(names_fa),
                name_en=NAME_SEPARATOR_EN.join(_english_names(names_fa, english, day)),
                # A day shared by a confirmed and an estimated holiday is off either way.
                estimated=len(unconfirmed) == len(names_fa),
            )
        )
    return seeds
