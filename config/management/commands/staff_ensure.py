import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a staff superuser with a random password, printed once; an existing one is left alone."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        users = get_user_model()
        if not username.strip():
            raise CommandError("--username must not be empty")
        if users.objects.filter(username=username).exists():
            self.stdout.write(f"staff user {username!r} exists (new password: manage.py changepassword {username})")
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"staff user created: {username} / {password}  (shown once)"))
