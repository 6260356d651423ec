from django.test import SimpleTestCase, override_settings
from rest_framework.test import APIClient

from open137.api.classify import keyword_suggestions, rank_by_keywords
from open137.api.tests.base import ApiTestCase
from open137.directory.models import Subject

SUBJECTS = [
    ("asphalt", ["آسفالت و ترمیم نوار حفاری", "Asphalt and road-cut repair"]),
    ("garbage", ["جمع‌آوری زباله", "Garbage collection"]),
    ("tree-planting", ["درختکاری", "Tree planting"]),
    ("tree-watering", ["آبیاری درختان", "Tree watering"]),
]


class KeywordRankingTests(SimpleTestCase):
    def test_a_subject_named_in_the_text_comes_first(self) -> None:
        self.assertEqual(rank_by_keywords("جمع‌آوری زباله انجام نشده", SUBJECTS)[0],
                         ("garbage", 1.0))
        ranked = rank_by_keywords("زباله‌ها را جمع آوری نکرده‌اند", SUBJECTS)
        self.assertEqual(ranked[0][0], "garbage")
        self.assertGreaterEqual(ranked[0][1], 0.9)

    def test_word_forms_match_partly_and_scores_stay_between_zero_and_one(self) -> None:
        ranked = rank_by_keywords("درخت های کوچه خشک شده", SUBJECTS)
        self.assertEqual({c for c, _ in ranked}, {"tree-planting", "tree-watering"})
        self.assertTrue(all(0 < score <= 1 for _, score in ranked))
        self.assertEqual([s for _, s in ranked], sorted((s for _, s in ranked), reverse=True))

    def test_english_text_and_arabic_letters_match_too(self) -> None:
        self.assertEqual(rank_by_keywords("garbage on my street", SUBJECTS)[0][0], "garbage")
        self.assertEqual(rank_by_keywords("آسفالت خيابان خراب است", SUBJECTS)[0][0], "asphalt")

    def test_unrelated_text_suggests_nothing(self) -> None:
        self.assertEqual(rank_by_keywords("سلام", SUBJECTS), [])


class KeywordFallbackTests(ApiTestCase):
    def test_the_fallback_reads_names_and_synonyms_of_active_subjects(self) -> None:
        Subject.objects.filter(code="garbage").update(synonyms="پسماند\nآشغال")
        self.assertEqual(keyword_suggestions("آشغال جلوی در مانده")[0], ("garbage", 1.0))
        Subject.objects.filter(code="garbage").update(active=False)
        self.assertNotIn("garbage", [c for c, _ in keyword_suggestions("آشغال جلوی در")])


class ClassifyEndpointTests(ApiTestCase):
    def test_anyone_gets_suggestions_best_first_without_a_token(self) -> None:
        answer = APIClient().post("/api/v1/classify", {"text": "جمع آوری زباله انجام نشده"},
                                  format="json")
        self.assertEqual(answer.status_code, 200)
        suggestions = answer.json()["suggestions"]
        self.assertGreaterEqual(len(suggestions), 1)
        self.assertLessEqual(len(suggestions), 3)
        codes = set(Subject.objects.values_list("code", flat=True))
        for row in suggestions:
            self.assertIn(row["code"], codes)
            self.assertTrue(0 <= row["score"] <= 1)
        scores = [r["score"] for r in suggestions]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_form_fields_work_and_the_limit_is_kept(self) -> None:
        answer = APIClient().post("/api/v1/classify", {"text": "درخت", "limit": "1"})
        self.assertEqual(answer.status_code, 200)
        self.assertLessEqual(len(answer.json()["suggestions"]), 1)

    def test_empty_text_is_400(self) -> None:
        client = APIClient(headers={"Accept-Language": "en"})
        for data in ({}, {"text": ""}, {"text": "   "}):
            with self.subTest(data=data):
                answer = client.post("/api/v1/classify", data, format="json")
                self.assertEqual(answer.status_code, 400)
                self.assertEqual(answer.json(), {"text": [
                    "Write the text of the request to get suggestions."]})

    @override_settings(RATE_LIMIT_CLASSIFY="2/m")
    def test_past_the_rate_an_address_gets_429_with_retry_after(self) -> None:
        client = APIClient(headers={"X-Forwarded-For": "203.0.113.7"})
        statuses = [client.post("/api/v1/classify", {"text": "زباله"}).status_code
                    for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        refused = client.post("/api/v1/classify", {"text": "زباله"})
        self.assertGreater(int(refused["Retry-After"]), 0)
        self.assertIn("detail", refused.json())
        other = APIClient(headers={"X-Forwarded-For": "203.0.113.8"})
        self.assertEqual(other.post("/api/v1/classify", {"text": "زباله"}).status_code, 200)

    @override_settings(RATE_LIMIT_CLASSIFY="0")
    def test_a_zero_rate_turns_the_limit_off(self) -> None:
        client = APIClient()
        statuses = {client.post("/api/v1/classify", {"text": "زباله"}).status_code
                    for _ in range(5)}
        self.assertEqual(statuses, {200})
