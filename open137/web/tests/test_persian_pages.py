"""Every page, for every role, reads as Persian: no Latin digits, no untranslated English.

The walk takes every URL pattern that answers a GET with HTML (from the resolver, so a new
page without a row here fails `test_every_html_page_is_walked`) and, in the Django admin,
every registered model's list, add and change pages. Each page is fetched in Persian for
each role that may open it, with a city in motion (the demo's requests, an audit sample, a
mass incident), and its visible text is read the way a person sees it: script, style and
code are skipped, and so is what must stay Latin (tracking codes, unit and subject codes,
addresses on the web, e-mail, phone numbers, the names of formats and standards).
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

from django.contrib import admin
from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from open137.cases import demo
from open137.cases.models import Case
from open137.cases.testing import set_up_city
from open137.cases.workflow import Status, Step
from open137.directory.models import District, Kind, Subject, SubjectGroup, Unit
from open137.intelligence.actions import declare_incident
from open137.oversight.actions import draw_audit_sample, grade_audit
from open137.oversight.models import AuditItem, AuditSample
from open137.oversight.periods import Month
from open137.security.tests.test_permission_matrix import url_patterns

# What must stay Latin inside Persian text, removed before the text is judged.
LATIN_ALLOWED = re.compile(
    r"https?://\S+"                      # web addresses
    r"|[\w.+-]+@[\w-]+(\.[\w-]+)+"      # e-mail
    r"|(?<![\w/])/[\w./?=&%-]*"           # paths on this site (/open311/v2/...)
    r"|\b\+?98\d{10}\b|\b09\d{9}\b"      # phone numbers
    r"|\{\w+\}|%\(\w+\)s"                # placeholders in message templates
    r"|\w+\*{4,}"                          # keys and password hashes, masked
    r"|\b[a-z]+(?:\.[a-z_]+)+\b"           # event and model names (case.referred)
    r"|\b[A-Z]+(?:_[A-Z0-9]+)+\b"           # settings (DUPLICATE_RADIUS_M)
)
# Names of standards, formats and products: they are written in Latin letters in Persian too.
NAMES = {"open137", "Open311", "GeoReport", "API", "CSV", "JSON", "XLSX", "Excel", "GeoJSON",
         "OpenAPI", "OpenStreetMap", "OSM", "Leaflet", "Vazirmatn", "English", "Token", "URL",
         "SMS", "PBX", "Bale", "Telegram", "TOTP", "Chart.js", "htmx", "Django", "HTML", "ID",
         "UTC", "km", "m", "v2", "v1", "KB", "MB", "JPEG", "PNG", "WebP", "GIF", "FreeOTP",
         "Google", "Authenticator", "PDF", "Enter", "Esc", "Tab", "Ctrl", "Alt", "Shift",
         "Control", "Command", "Mac"}
SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}
# Not alt: Django's admin marks its yes/no icons alt="True"/"False", read only when the
# image is missing.
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label")
PERSIAN_LETTERS = re.compile("[\u0600-\u06ff]")
LATIN_DIGIT = re.compile(r"[0-9]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'.-]*[A-Za-z0-9]|[A-Za-z]")
# A run of Latin letters, digits and joiners with a letter in it is a code (district-3,
# Open311, a key): its digits stay Latin, as web/digits.py leaves them.
CODE_TOKEN = re.compile(r"[A-Za-z0-9_./:+%#*-]*[A-Za-z][A-Za-z0-9_./:+%#*-]*")


class VisibleText(HTMLParser):
    """The pieces of a page a person reads: text nodes and the visible attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.pieces: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # translate="no" marks what stays as it is in every language (a code, a name in
        # another script); lang marks text in another language (the switch's «English»).
        skipped = (tag in SKIPPED_TAGS or values.get("translate") == "no"
                   or (values.get("lang") or "fa") not in {"fa", "fa-ir"}
                   or "hidden" in values or values.get("type") == "hidden")
        if not (skipped or self.skipping):
            for name in VISIBLE_ATTRIBUTES:
                if values.get(name):
                    self.pieces.append(values[name] or "")
            if tag == "input" and values.get("type") in {"submit", "button"}:
                self.pieces.append(values.get("value") or "")
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.pieces.append(data.strip())


def report(found: list[str]) -> str:
    """Each problem once, with how many pages show it and the first of them."""
    seen: dict[str, list[str]] = {}
    for line in found:
        where, _sep, problem = line.partition(": ")
        seen.setdefault(problem, []).append(where)
    return "\n" + "\n".join(f"{problem}  [{len(where)}x, {where[0]}]"
                             for problem, where in sorted(seen.items()))


def problems(html: str, codes: set[str], data: frozenset[str] = frozenset()) -> list[str]:
    """What a Persian reader would trip over: Latin digits and English words."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for piece in parser.pieces:
        if piece in data:  # what people wrote, as they wrote it
            continue
        text = LATIN_ALLOWED.sub(" ", piece)
        numbers = CODE_TOKEN.sub(" ", text)
        text = re.sub(r"[\w/.-]+", lambda m: " " if m.group(0) in codes else m.group(0), text)
        words = [w for w in LATIN_WORD.findall(text) if w not in NAMES and w not in codes]
        if LATIN_DIGIT.search(numbers):
            found.append(f"Latin digits: {piece[:120]!r}")
        elif words:
            found.append(f"English: {piece[:120]!r}")
    return found


def admin_data_words() -> set[str]:
    """Every Latin word stored in what the admin shows: data, not interface."""
    words: set[str] = set("abcdefghijklmnopqrstuvwxyz")  # as in «council's»
    for model in admin.site._registry:
        fields = [f.attname for f in model._meta.concrete_fields
                  if f.get_internal_type() in {"CharField", "SlugField", "TextField", "JSONField"}]
        for row in model._default_manager.values_list(*fields)[:300] if fields else []:
            for value in row:
                words |= set(LATIN_WORD.findall(str(value))) | set(str(value).split())
    return words


class PersianPagesTests(TestCase):
    users: dict[str, User]
    cases: dict[str, Case]
    sample: AuditSample
    codes: set[str]
    data: frozenset[str]
    admin_words: set[str]

    @classmethod
    def setUpTestData(cls) -> None:
        set_up_city(cls)
        demo.create_users("secret-pass-137")
        demo.create_cases(150, days=75, seed=16)
        by = {u.username: u for u in User.objects.all()}
        unit_case = Case.objects.filter(unit__type=Unit.Type.DEPARTMENT).order_by("-pk")[0]
        unit = unit_case.unit
        assert unit is not None and unit.district is not None
        cls.users = {"anonymous": None, "operator": by["operator"],  # type: ignore[dict-item]
                     "supervisor": by["supervisor"], "inspector": by["inspector"],
                     "council": by["council"], "admin": by["admin"],
                     "district manager": by[unit.district.code],
                     "unit manager": by[unit.user_slug]}
        cls.cases = {"unit": unit_case,
                     "closed": Case.objects.filter(status=Status.CLOSED).first(),  # type: ignore[dict-item]
                     "planned": Case.objects.filter(status=Status.PLANNED).first()}  # type: ignore[dict-item]
        declare_incident(subject=unit_case.subject, message_fa="آب‌گرفتگی در منطقه ۳",
                         by=by["supervisor"])
        month = Month.of(timezone.localdate() - timedelta(days=40))
        samples = draw_audit_sample(month=month, by=by["inspector"], size=3)
        cls.sample = samples[0]
        item = AuditItem.objects.filter(sample=cls.sample).first()
        if item is not None:
            grade_audit(item, subject_right=True, referral_right=False, action_adequate=True,
                        citizen_informed=True, by=by["inspector"], comment="خوب بود")
        cls.codes = set()
        for model in (Subject, Unit, District, SubjectGroup, Kind):
            cls.codes |= set(model.objects.values_list("code", flat=True))
        cls.codes |= {u.username for u in User.objects.all()}
        cls.codes |= {s.value for s in Status} | {"district"}
        cls.codes |= {str(s) for s in Step}
        cls.data = frozenset(t.strip() for t in Case.objects.values_list("description", flat=True))
        cls.admin_words = admin_data_words()

    def pages(self) -> dict[str, str]:
        """Each HTML page by its URL pattern, with arguments that open it."""
        case = self.cases["unit"]
        return {
            "": "/", "track/": "/track/", "track/<str:code>": f"/track/{case.tracking_code}",
            "accounts/login/": "/accounts/login/",
            "accounts/two-factor/": "/accounts/two-factor/",
            "accounts/two-factor/verify/": "/accounts/two-factor/verify/",
            "accounts/password_change/": "/accounts/password_change/",
            "accounts/password_change/done/": "/accounts/password_change/done/",
            "accounts/password_reset/": "/accounts/password_reset/",
            "accounts/password_reset/done/": "/accounts/password_reset/done/",
            "accounts/reset/<uidb64>/<token>/": "/accounts/reset/x/x/",
            "accounts/reset/done/": "/accounts/reset/done/",
            "oversight/": "/oversight/", "oversight/requests/": "/oversight/requests/",
            "oversight/requests/<int:pk>/": f"/oversight/requests/{case.pk}/",
            "oversight/audits/": "/oversight/audits/",
            "oversight/audits/<int:pk>/": f"/oversight/audits/{self.sample.pk}/",
            "oversight/report/": "/oversight/report/",
            "oversight/changes/": "/oversight/changes/",
            "transparency/": "/transparency/",
            "desk/": "/desk/", "desk/call": "/desk/call?caller=09121234567",
            "desk/triage/": "/desk/triage/", "desk/triage/returned/": "/desk/triage/returned/",
            "desk/triage/overdue/": "/desk/triage/overdue/", "desk/alerts/": "/desk/alerts/",
            "desk/inbox/": "/desk/inbox/",
            "desk/requests/<int:pk>/": f"/desk/requests/{case.pk}/",
            "desk/requests/<int:pk>/recorded/": f"/desk/requests/{case.pk}/recorded/",
        }

    def admin_pages(self) -> list[str]:
        urls = [reverse("admin:index")]
        for model in admin.site._registry:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            urls.append(reverse(f"{name}_changelist"))
            urls.append(reverse(f"{name}_add"))
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                urls.append(reverse(f"{name}_change", args=[first.pk]))
        return urls

    def extra_pages(self) -> list[str]:
        """Pages that look different with some data: every state of a request, filters."""
        urls = []
        for case in self.cases.values():
            urls += [f"/track/{case.tracking_code}", f"/desk/requests/{case.pk}/",
                     f"/oversight/requests/{case.pk}/"]
        urls += ["/oversight/requests/?figure=overdue", "/oversight/?by=unit",
                 "/oversight/?by=subject", "/oversight/?by=channel", "/oversight/?by=district"]
        return urls

    def walk(self, urls: list[str], users: dict[str, User | None],
             words: set[str] | None = None) -> list[str]:
        found = []
        for role, user in users.items():
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            for url in urls:
                response = self.client.get(url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                html = response.content.decode()
                found += [f"{role} {url}: {p}"
                          for p in problems(html, self.codes | (words or set()), self.data)]
        return found

    def test_every_html_page_is_walked(self) -> None:
        machine = ("healthz", "photos/", "places/", "i18n/", "open311/", "api/", "sms/",
                   "messenger/", "admin/")
        not_html = {"submitted/", "track/<str:code>/", "track/<str:code>/answer",
                    "track/<str:code>/reply", "portal/district", "portal/districts.geojson",
                    "portal/suggest", "portal/subjects", "portal/nearby", "accounts/logout/",
                    "home/", "oversight/audits/items/<int:pk>/",
                    "oversight/export/<slug:table>.xlsx", "transparency/open-data.csv",
                    "transparency/open-data.json", "transparency/districts/<str:version>.geojson",
                    "desk/lookup", "desk/suggestions", "desk/duplicates", "desk/questions",
                    "desk/subjects.json", "desk/locate.json", "desk/districts.geojson",
                    "desk/inbox/accept/", "desk/requests/<int:pk>/photos/<int:photo_pk>/",
                    "desk/requests/<int:pk>/contact/", "desk/requests/<int:pk>/<slug:step>/"}
        missing = [p for p in url_patterns() if not p.startswith(machine)
                   and p not in not_html and p not in self.pages()]
        self.assertEqual(missing, [], "walk each new page in Persian: add it to pages()")

    def test_every_page_reads_as_persian_for_every_role(self) -> None:
        urls = list(self.pages().values()) + self.extra_pages()
        found = self.walk(urls, self.users)
        self.assertEqual(found, [], report(found))

    def test_the_admin_reads_as_persian(self) -> None:
        # The admin shows the configuration as stored: English names, codes, addresses.
        found = self.walk(self.admin_pages(), {"admin": self.users["admin"]}, self.admin_words)
        self.assertEqual(found, [], report(found))


class VisibleTextTests(TestCase):
    def test_latin_digits_and_english_words_are_found_and_codes_are_not(self) -> None:
        html = ("<p>منطقه 3</p><p title='Save'>ذخیره</p><script>var a = 1;</script>"
                "<p>کد پیگیری <bdi translate='no'>1234567890</bdi></p>"
                "<p>واحد district-3/works</p><a lang='en'>English</a>")
        self.assertEqual(problems(html, {"district-3/works"}),
                         ["Latin digits: 'منطقه 3'", "English: 'Save'"])
