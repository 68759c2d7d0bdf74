import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from erdem.api.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a person and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The person's e-mail address.")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--days", type=int, default=None, help="Expire after this many days (default: never).")

    def handle(self, *args: object, email: str, name: str, days: int | None, **options: object) -> None:
        person = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"No person has the e-mail address {email}.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        _token, raw_token = api_token_create(person=person, name=name, expires_at=expires_at)
        self.stdout.write(raw_token)
