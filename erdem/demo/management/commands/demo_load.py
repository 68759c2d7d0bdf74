from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from erdem.demo.services import (
    DEFAULT_EDUCATORS,
    DEFAULT_INSTITUTIONS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    demo_load,
)


class Command(BaseCommand):
    help = "Load a believable national programme (fictional institutions, real regions) for demos and benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--educators", type=int, default=DEFAULT_EDUCATORS, help="number of registered educators")
        parser.add_argument("--institutions", type=int, default=DEFAULT_INSTITUTIONS, help="number of institutions")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="random seed; the same seed gives the same data"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database already holds a programme"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load(
                educators=options["educators"],
                institutions=options["institutions"],
                seed=options["seed"],
                if_empty=options["if_empty"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if result.loaded:
            counts = result.counts
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo programme loaded in {result.seconds:.1f} s: {counts.get('institutions', 0)} institutions, "
                    f"{counts.get('educator', 0)} registered educators, {counts.get('invited', 0)} invited "
                    f"(not registered yet), {counts.get('people', 0)} people in all."
                )
            )
        else:
            self.stdout.write(f"A programme already exists ({result.programme.slug}); nothing loaded.")
        if result.logins:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for role, email in result.logins.items():
                self.stdout.write(f"  {role:<16} {email}")
