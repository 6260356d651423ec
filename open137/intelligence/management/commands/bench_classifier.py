from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from open137.intelligence import bench


class Command(BaseCommand):
    help = "Time subject suggestions (percentiles in milliseconds); the target is under 5 ms."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        result = bench.run(runs=max(options["runs"], 1))
        self.stdout.write(f"classifier version {result['version']}, loaded (or trained) in "
                          f"{result['load_ms']:.0f} ms")
        for name, label in (("suggest", "suggest() with its subject query"),
                            ("model", "the model alone")):
            r = result[name]
            self.stdout.write(f"{label}: p50 {r['p50']:.2f} ms, p90 {r['p90']:.2f} ms, "
                              f"p99 {r['p99']:.2f} ms, max {r['max']:.2f} ms "
                              f"({r['n']} calls)")
