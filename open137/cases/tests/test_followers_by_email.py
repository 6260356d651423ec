from open137.cases import actions
from open137.cases.models import Channel
from open137.cases.testing import CityTestCase


class EmailOnlyFollowerTests(CityTestCase):
    def test_each_email_only_caller_follows_the_original_on_their_own(self) -> None:
        original = self.new_case()
        for email in ("first@example.com", "second@example.com"):
            duplicate = self.new_case(channel=Channel.WEB, contact_email=email)
            actions.link_duplicate(duplicate, original=original, by=self.alice)
        self.assertEqual(sorted(original.followers.values_list("email", flat=True)),
                         ["first@example.com", "second@example.com"])

    def test_the_same_email_follows_once(self) -> None:
        original = self.new_case()
        for _time in range(2):
            duplicate = self.new_case(contact_email="same@example.com")
            actions.link_duplicate(duplicate, original=original, by=self.alice)
        self.assertEqual(list(original.followers.values_list("email", flat=True)),
                         ["same@example.com"])

    def test_a_second_email_only_caller_hears_the_outcome(self) -> None:
        from open137.notifications.models import Message

        original = self.new_case()
        for email in ("first@example.com", "second@example.com"):
            actions.link_duplicate(self.new_case(contact_email=email), original=original,
                                   by=self.alice)
        actions.resolve_case(original, note="Patched.", by=self.charlie)
        told = set(Message.objects.filter(case_id=original.pk, kind="followed")
                   .values_list("recipient", flat=True))
        self.assertEqual(told, {"first@example.com", "second@example.com"})
