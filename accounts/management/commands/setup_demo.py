from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import StaffRole, User
from contacts.models import Department
from measures.models import District

DEMO_ACCOUNTS = [
    # username, first name, is superuser
    ("admin", "平台管理员", True),
]

# Staff of two districts: username, name, role, district, department (reviewers: a lead department of measures
# that are open for applications, e.g. 朝政办发〔2020〕8号 2./3./16. and Mentougou's HR service package).
DEMO_STAFF = [
    ("cy-fgw", "朝阳区发展改革委审核人", StaffRole.REVIEWER, "朝阳区", "区发展改革委"),
    ("cy-rsj", "朝阳区人力社保局审核人", StaffRole.REVIEWER, "朝阳区", "区人力社保局"),
    ("cy-czj", "朝阳区财政局经办人", StaffRole.FINANCE, "朝阳区", "区财政局"),
    ("cy-rsj-head", "朝阳区人力社保局负责人", StaffRole.REVIEWER, "朝阳区", "区人力社保局"),
    ("cy-czj-head", "朝阳区财政局负责人", StaffRole.FINANCE, "朝阳区", "区财政局"),
    ("cy-admin", "朝阳区管理员", StaffRole.DISTRICT_ADMIN, "朝阳区", None),
    ("cy-audit", "朝阳区审计人员", StaffRole.AUDITOR, "朝阳区", None),
    ("mtg-rsj", "门头沟区人力社保局审核人", StaffRole.REVIEWER, "门头沟区", "区人力社保局"),
    (
        "mtg-ldzx",
        "门头沟区劳动服务管理中心审核人",
        StaffRole.REVIEWER,
        "门头沟区",
        "门头沟区人力社保局劳动服务管理中心",
    ),
    ("mtg-slgw", "石龙管委审核人", StaffRole.REVIEWER, "门头沟区", "石龙管委"),
    ("mtg-czj", "门头沟区财政局经办人", StaffRole.FINANCE, "门头沟区", "区财政局"),
    ("mtg-admin", "门头沟区管理员", StaffRole.DISTRICT_ADMIN, "门头沟区", None),
    ("mtg-audit", "门头沟区审计人员", StaffRole.AUDITOR, "门头沟区", None),
]


# Department heads: cases waiting past the second working-day limit are escalated to them.
DEMO_HEADS = {"cy-rsj-head", "cy-czj-head"}


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
        staff = self._staff(password)
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, first_name, _superuser in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {first_name}")
        for username, first_name in staff:
            self.stdout.write(f"  {username:<12} {first_name}")
        if settings.STAFF_OTP_REQUIRED:
            self.stdout.write(
                "Staff two-factor is on: at first sign-in each staff account sets up an authenticator app."
            )
        else:
            self.stdout.write("Staff sign in with the password alone (STAFF_OTP_REQUIRED=1 turns two-factor on).")

    def _staff(self, password: str) -> list[tuple[str, str]]:
        """Create or update the district staff; skipped (with a note) until the policy data is loaded."""
        created_or_updated = []
        for username, first_name, role, district_name, department_name in DEMO_STAFF:
            district = District.objects.filter(name=district_name).first()
            department = (
                Department.objects.filter(district=district, name=department_name).first() if department_name else None
            )
            if district is None or (department_name and department is None):
                self.stderr.write(
                    f"Skipped {username}: load the policy data first ({district_name} {department_name})."
                )
                continue
            user, created = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "email": f"{username}@demo.gov.cn",
                    "is_staff": True,
                    "role": role,
                    "staff_district": district,
                    "department": department,
                    "is_head": username in DEMO_HEADS,
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            created_or_updated.append((username, f"{first_name}（{user.get_role_display()}）"))
        return created_or_updated
