from django.test import SimpleTestCase, override_settings

from open137.cases.models import Case
from open137.core.dbrouter import REPLICA, ReplicaRouter, reads_from_replica, replica

WITH_REPLICA = "postgres://reader@replica.example:5432/open137"


class ReplicaRouterTests(SimpleTestCase):
    router = ReplicaRouter()

    @override_settings(DATABASE_REPLICA_URL="")
    def test_without_a_replica_everything_reads_and_writes_on_the_primary(self) -> None:
        with replica():
            self.assertEqual(self.router.db_for_read(Case), "default")
        self.assertEqual(self.router.db_for_write(Case), "default")

    @override_settings(DATABASE_REPLICA_URL=WITH_REPLICA)
    def test_only_reads_that_ask_for_the_replica_go_there(self) -> None:
        self.assertEqual(self.router.db_for_read(Case), "default")
        with replica():
            self.assertEqual(self.router.db_for_read(Case), REPLICA)
            self.assertEqual(self.router.db_for_write(Case), "default")
        self.assertEqual(self.router.db_for_read(Case), "default")

    @override_settings(DATABASE_REPLICA_URL=WITH_REPLICA)
    def test_a_view_marked_for_the_replica_reads_there(self) -> None:
        @reads_from_replica
        def dashboard() -> str | None:
            return self.router.db_for_read(Case)

        self.assertEqual(dashboard(), REPLICA)

    def test_migrations_run_only_on_the_primary(self) -> None:
        self.assertTrue(self.router.allow_migrate("default", "cases"))
        self.assertFalse(self.router.allow_migrate(REPLICA, "cases"))
