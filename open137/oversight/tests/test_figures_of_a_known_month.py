from django.contrib.auth.models import User
from django.test import override_settings

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff
from open137.oversight import actions
from open137.oversight.figures import Counts, composite_index, index_parts, rank
from open137.oversight.models import current_weights
from open137.oversight.queries import (
    NONE,
    Selection,
    cases_behind,
    figures_for,
    series,
)
from open137.oversight.tests import scenario
from open137.oversight.tests.scenario import NOW, PERIOD


class FiguresOfAKnownMonthTests(CityTestCase):
    s: dict[str, Case]
    inspector: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.s = scenario.build(cls)
        cls.inspector = make_user("ivy", Staff.Role.INSPECTOR)
        with override_settings(AUDIT_SAMPLE_SIZE=10):
            samples = actions.draw_audit_sample(month=scenario.MONTH, by=cls.inspector)
        grades = {"A": (True, True, True, True), "B": (True, True, False, False),
                  "E": (True, True, True, False)}
        for sample in samples:
            for item in sample.items.all():
                code = next(k for k, v in cls.s.items() if v.pk == item.case_id)
                if code in grades:
                    a, b, c, d = grades[code]
                    actions.grade_audit(item, subject_right=a, referral_right=b,
                                        action_adequate=c, citizen_informed=d, by=cls.inspector,
                                        comment="")

    def figures(self, **filters: str) -> Counts:
        return figures_for(Selection(PERIOD, **filters), NOW).total()

    def test_every_figure_of_the_month_is_exact(self) -> None:
        c = self.figures()
        self.assertEqual((c.volume, c.referred, c.taken_up), (8, 8, 6))
        # Taken up by the unit that finally acted, in hours: A 1, J 1, E 3, C 4 (after its
        # return and second referral), B 73 (Wednesday 09:00 to Saturday 10:00), I 89.5
        # (Tuesday 15:00 to Saturday 08:30). D and the duplicate F were never taken up.
        self.assertEqual((c.referral_hours_median, c.referral_hours_mean),
                         (3.5, round(171.5 / 6, 2)))
        self.assertEqual((c.triaged, c.triage_hours_mean), (1, 5.0))  # D, five hours
        self.assertEqual((c.misrouted, c.misroute_hours_mean), (1, 3.0))  # C, three hours
        self.assertEqual((c.questioned, c.paused_hours_mean), (1, 26.0))  # J
        self.assertEqual((c.recontacted, c.repeat_contacts), (2, 3))  # A once, D twice
        self.assertEqual((c.first_due, c.first_on_time, c.result_due, c.result_on_time),
                         (7, 5, 6, 4))
        self.assertEqual((c.finished, c.reopens, c.informed), (5, 1, 2))
        # B's latest answer (satisfied, after its objection) is the one counted.
        self.assertEqual((c.asked, c.answered, c.satisfied), (5, 2, 2))
        self.assertEqual((c.open, c.overdue, c.planned, c.planned_overdue), (4, 1, 1, 1))
        self.assertEqual(c.backlog, {"0-1d": 0, "1-3d": 1, "3-7d": 0, "7-30d": 1, "30d+": 2})
        self.assertEqual((c.audited, c.audit_yes), (3, 9))
        self.assertAlmostEqual(c.first_on_time_share, 5 / 7)
        self.assertAlmostEqual(c.result_on_time_share, 4 / 6)
        self.assertAlmostEqual(c.reopen_rate, 1 / 5)
        self.assertAlmostEqual(c.misroute_rate, 1 / 8)
        self.assertAlmostEqual(c.satisfaction, 2 / 2)
        self.assertAlmostEqual(c.response_rate, 2 / 5)
        self.assertAlmostEqual(c.audit_score, 9 / 12)
        self.assertAlmostEqual(c.closure_loop, 2 / 5)
        # compliance (5 + 4) / (7 + 6), satisfaction 1, reopen 1 - 1/5, misroute 1 - 1/8,
        # audit 9/12, with the default weights (they add up to 100).
        expected = 30 * 9 / 13 + 25 * 1 + 15 * 4 / 5 + 10 * 7 / 8 + 20 * 9 / 12
        self.assertEqual(composite_index(index_parts(c), current_weights().as_dict()),
                         round(expected, 1))

    def test_breakdowns_split_the_same_requests(self) -> None:
        f = figures_for(Selection(PERIOD), NOW)
        units = {row.key: row.counts for row in f.rows("unit")}
        self.assertEqual(set(units), {self.unit.code, self.other_unit.code})
        mine, theirs = units[self.unit.code], units[self.other_unit.code]
        self.assertEqual((mine.volume, mine.finished, mine.reopens, mine.misrouted,
                          mine.repeat_contacts), (7, 5, 1, 0, 3))
        self.assertEqual((theirs.volume, theirs.misrouted, theirs.planned,
                          theirs.planned_overdue, theirs.misroute_hours_mean), (1, 1, 1, 1, 3.0))
        self.assertEqual((mine.audited, mine.audit_yes), (3, 9))
        # By place: D was referred by hand to the district's department, so it is of that
        # district now; C (an organisation's subject by SMS) has no place.
        places = {row.key: row.counts for row in f.rows("district")}
        self.assertEqual(set(places), {self.district.code, None})
        nowhere = places[None]
        self.assertEqual((nowhere.volume, nowhere.referral_hours_median,
                          nowhere.referral_hours_mean), (1, 4.0, 4.0))
        # By responsibility: the district answers for its own units only; the
        # organisation's request C is in no district's figures.
        responsible = {row.key: row.counts for row in f.rows("responsible")}
        self.assertEqual(set(responsible), {self.district.code})
        self.assertEqual(responsible[self.district.code].volume, 7)
        channels = {row.key: row.counts.volume for row in f.rows("channel")}
        self.assertEqual(channels, {"phone": 6, "web": 1, "sms": 1})
        groups = f.rows("group")
        self.assertEqual(sum(r.counts.volume for r in groups), 8)
        subjects = {row.key: row.counts.volume for row in f.rows("subject")}
        self.assertEqual(subjects, {self.works_subject.code: 7, self.org_subject.code: 1})

    def test_filters_narrow_every_figure(self) -> None:
        c = self.figures(district=NONE)
        self.assertEqual((c.volume, c.referred, c.misrouted, c.open, c.overdue), (1, 1, 1, 1, 0))
        c = self.figures(responsible=self.district.code)
        self.assertEqual((c.volume, c.misrouted, c.overdue, c.audited), (7, 0, 1, 3))
        c = self.figures(channel="web")
        self.assertEqual((c.volume, c.finished, c.reopens, c.answered, c.satisfied),
                         (1, 1, 1, 1, 1))
        c = self.figures(subject=self.org_subject.code)
        self.assertEqual((c.volume, c.planned), (1, 1))
        c = self.figures(scope_unit=self.other_unit.code)
        self.assertEqual((c.volume, c.misrouted, c.audited), (1, 1, 0))

    def test_every_number_lists_exactly_the_requests_it_counts(self) -> None:
        sel = Selection(PERIOD)
        c = self.figures()
        s = self.s
        expected = {
            "volume": {"A", "B", "C", "D", "E", "F", "I", "J"},
            "taken_up": {"A", "B", "C", "E", "I", "J"},
            "triaged": {"D"},
            "first_late": {"D", "I"},
            "result_late": {"D", "I"},
            "result_on_time": {"A", "B", "E", "J"},
            "finished": {"A", "B", "E", "I", "J"},
            "reopened": {"B"},
            "misrouted": {"C"},
            "questioned": {"J"},
            "recontacted": {"A", "D"},
            "answered": {"A", "B"},
            "satisfied": {"A", "B"},
            "open": {"C", "D", "G", "G2"},
            "overdue": {"D"},
            "planned_overdue": {"C"},
            "age_30d+": {"C", "D"},
            "age_1-3d": {"G"},
        }
        expected["informed"] = {"A", "B"}
        expected["not_informed"] = {"E", "I", "J"}
        for figure, names in expected.items():
            with self.subTest(figure=figure):
                found = set(cases_behind(sel, figure, NOW).values_list("pk", flat=True))
                self.assertEqual(found, {s[n].pk for n in names})
        self.assertEqual(cases_behind(sel, "first_on_time", NOW).count(), c.first_on_time)

    def test_the_ranking_uses_the_published_weights(self) -> None:
        f = figures_for(Selection(PERIOD), NOW)
        weights = current_weights().as_dict()
        self.assertEqual(weights, {"compliance": 30, "satisfaction": 25, "reopen": 15,
                                   "misroute": 10, "audit": 20})
        ranked = rank([(r.key or "", r.name, r.counts) for r in f.rows("responsible")],
                      weights)
        self.assertEqual([r.key for r in ranked], [self.district.code])
        first = ranked[0]
        # A, B, D, E, F, I, J (the district's own department): compliance (4 + 4) / (6 + 6),
        # satisfaction 2/2, reopen 1 - 1/5, misroute 1 - 0/7, audit 9/12.
        expected = 30 * 8 / 12 + 25 * 1 + 15 * 4 / 5 + 10 * 1 + 20 * 9 / 12
        self.assertEqual(first.index, round(expected, 1))
        self.assertEqual(first.rank, 1)

    def test_volume_and_compliance_over_time(self) -> None:
        rows = series(Selection(PERIOD), NOW)
        self.assertEqual(len(rows), 30)  # Mehr has 30 days
        self.assertEqual(sum(r["volume"] for r in rows), 8)
        self.assertEqual([r["volume"] for r in rows[:4]], [6, 1, 1, 0])
        self.assertEqual(sum(r["result_on_time"] for r in rows), 4)
        wide = series(Selection(scenario.Period(scenario.Month(1404, 6), scenario.Month(1404, 9))),
                      NOW)
        self.assertEqual([r["volume"] for r in wide], [1, 8, 2, 0])

    def test_counting_takes_a_fixed_number_of_queries(self) -> None:
        # Subject groups; the units' districts; the counted months' cutoffs, their sums, their
        # referral times
        # and the cutoffs again (a refresh in between reads again); the other requests'
        # counts; snapshot; audits. The medians come from the referral times.
        with self.assertNumQueries(9):
            f = figures_for(Selection(PERIOD), NOW)
        with self.assertNumQueries(1):  # the districts' names
            f.rows("district")
