from collections.abc import Iterator

from django.test import SimpleTestCase
from django.utils import translation
from django.utils.translation import gettext as _

from open137.imports.importer import _Ahead


class AheadTests(SimpleTestCase):
    def test_items_come_in_order_and_an_error_is_raised_in_the_taking_thread(self) -> None:
        def items() -> Iterator[int]:
            yield 1
            yield 2
            raise ValueError("bad record")

        taken = []
        with self.assertRaisesMessage(ValueError, "bad record"), _Ahead(items()) as ahead:
            for item in ahead:
                taken.append(item)
        self.assertEqual(taken, [1, 2])

    def test_stopping_early_ends_the_thread_and_closes_the_iterator(self) -> None:
        for threaded in (True, False):
            closed: list[bool] = []

            def items(closed: list[bool] = closed) -> Iterator[int]:
                try:
                    yield from range(1000)
                finally:
                    closed.append(True)

            with self.subTest(threaded=threaded), _Ahead(items(), threaded=threaded) as ahead:
                for item in ahead:
                    if item == 3:
                        break
            self.assertFalse(ahead.thread.is_alive())
            self.assertEqual(closed, [True])

    def test_the_thread_speaks_the_importers_language(self) -> None:
        def items() -> Iterator[str]:
            yield _("Unknown channel.")

        with translation.override("fa"), _Ahead(items()) as ahead:
            [message] = list(ahead)
            expected = _("Unknown channel.")
        self.assertEqual(message, expected)
        self.assertNotEqual(message, "Unknown channel.")
