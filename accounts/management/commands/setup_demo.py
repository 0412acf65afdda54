from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User

DEMO_ACCOUNTS = [
    # username, first name, is superuser
    ("admin", "平台管理员", True),
]


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent) and print their logins. Refuses to run with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-pass-2026", help="Password for every demo account.")

    def handle(self, *args, password: str, **options):
        if not settings.DEBUG:
            self.stderr.write("Demo accounts are only created with DEBUG on (make run); nothing was done.")
            return
        for username, first_name, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first_name, "is_staff": True, "is_superuser": superuser},
            )
            if created:
                user.set_password(password)
                user.save()
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, first_name, _superuser in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {first_name}")
