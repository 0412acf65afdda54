"""Demo cases at every stage, for `make run` (DEBUG only): each goes through the real services and transitions,
so its timeline, audit chain, e-mails (files in var/mail/) and inbox are what a real case would have.

Chaoyang (朝政办发〔2020〕8号 16., led by 区人力社保局: reviewer `cy-rsj`) and Mentougou (its training subsidy, led by
区人力社保局: reviewer `mtg-rsj`) each get an enterprise per stage. The enterprise owner `qiye@demo.example.cn` holds
Chaoyang's paid case (with its decision letter), a case in 公示 and a draft. Running it again changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from accounts.credit_code import CHARSET, check_character
from accounts.models import Enterprise, StaffRole, User
from applications.direct.verification import profile_verify
from applications.models import Application, ProfileVerification, Status
from applications.models.ratings import RatingLevel
from applications.ratings.services import rate_service
from applications.workflow import TransitionError, apply_transition
from applications.workflow.declarations import required_declarations
from applications.workflow.safeguards import proposal_pending
from applications.workflow.services import (
    application_save_draft,
    application_start,
    application_submit,
    attachment_add,
)
from measures.materials import materials_of
from measures.models import District, Measure

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OWNER_EMAIL = "qiye@demo.example.cn"
# The road of a case to each stage, after its submission: (action, who acts, extra arguments).
ROAD = [
    ("accept", "reviewer", {}),
    ("final_review_pass", "reviewer", {"amount": "estimate"}),
    ("start_publicity", "reviewer", {}),
    ("end_publicity", None, {}),
    ("finance_approve", "finance", {}),
    ("record_payment", "finance", {"amount": "approved"}),
]
STOP_AFTER = {  # stage -> how many steps of ROAD it has gone
    Status.SUBMITTED: 0,
    Status.UNDER_REVIEW: 1,
    Status.REVIEWED: 2,
    Status.PUBLICITY: 3,
    Status.FINANCE_REVIEW: 4,
    Status.APPROVED: 5,
    Status.DISBURSED: 6,
}
# A profile that meets 8号 16.'s conditions: a small Chaoyang software firm whose revenue fell 85%.
PROFILE = {
    "industry": "软件和信息技术服务业",
    "employees": 40,
    "revenue": Decimal("900"),
    "total_assets": Decimal("1200"),
    "revenue_change": Decimal("-85"),
}


EVERY_STAGE = [
    Status.DRAFT,
    Status.RETURNED,
    Status.REJECTED,
    Status.WITHDRAWN,
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.REVIEWED,
    Status.PUBLICITY,
    Status.FINANCE_REVIEW,
    Status.APPROVED,
    Status.DISBURSED,
    Status.CLOSED,
]
# (district, which measures, the inputs typed, reviewer, finance, [(whose case, the stage it reaches)]): an
# enterprise per stage, and the owner qiye@ with a paid case, one in 公示 and a draft, under three measures.
PLANS = [
    (
        "朝阳区",
        Q(document__number="朝政办发〔2020〕8号", clause="16."),
        {"persons": "12"},
        "cy-rsj",
        "cy-czj",
        [("qiye", Status.CLOSED)] + [(str(n), stage) for n, stage in enumerate(EVERY_STAGE[:-1], start=1)],
    ),
    (
        "朝阳区",
        Q(document__number="朝政办发〔2020〕8号", clause="9."),
        {"project": "演示项目"},
        "cy-fgw",
        "cy-czj",
        [("qiye", Status.PUBLICITY)],
    ),
    (
        "朝阳区",
        Q(document__number="朝政办发〔2020〕8号", clause="7."),
        {"project": "演示研发项目"},
        "cy-fgw",
        "cy-czj",
        [("qiye", Status.DRAFT)],
    ),
    (
        "门头沟区",
        Q(rule_kind="per_head_flat"),
        {"persons": "8"},
        "mtg-rsj",
        "mtg-czj",
        [(str(n), stage) for n, stage in enumerate(EVERY_STAGE, start=1)],
    ),
]


def credit_code(n: int) -> str:
    body = "9111010" + "".join(CHARSET[(7000 + n) // 31**i % 31] for i in range(10))
    return body + check_character(body)


class Command(BaseCommand):
    help = "Create demo enterprises and cases at every stage (idempotent). Refuses to run with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-pass-2026", help="Password of the demo enterprise users.")

    def handle(self, *args, password: str, **options):
        if not settings.DEBUG:
            self.stderr.write("Demo cases are only created with DEBUG on (make run); nothing was done.")
            return
        if Enterprise.objects.filter(name__startswith="演示").exists():
            self.stdout.write("Demo cases are already there.")
        else:
            self.password = password
            self.today = timezone.localdate()
            made = sum(self._plan_cases(*plan) for plan in PLANS)
            self.stdout.write(f"Demo cases: {made}; enterprise owner {OWNER_EMAIL} (password {password}).")
        # Added to demo databases made before them too; each is done once.
        self._ratings()
        self._verification()

    def _ratings(self) -> None:
        """好差评 of Chaoyang's decided cases of 8号 16.: qiye@'s closed case rated 非常不满意 (a rectification task for
        区人力社保局's head, cy-rsj-head), the paid and the rejected one rated 非常满意 and 基本满意."""
        measure = Measure.objects.filter(document__number="朝政办发〔2020〕8号", clause="16.").first()
        chosen = [(OWNER_EMAIL, Status.CLOSED, RatingLevel.VERY_DISSATISFIED, "材料被退回两次，每次只说明一项问题。")]
        chosen += [
            ("qiye-chaoyang-11@demo.example.cn", Status.DISBURSED, RatingLevel.VERY_SATISFIED, "办理很快。"),
            ("qiye-chaoyang-3@demo.example.cn", Status.REJECTED, RatingLevel.NEUTRAL, ""),
        ]
        for email, status, level, comment in chosen:
            owner = User.objects.filter(email=email).first()
            case = Application.objects.filter(
                enterprise__owner=owner, measure=measure, status=status, ratings__isnull=True
            ).first()
            if owner is not None and case is not None:
                rate_service(application=case, user=owner, level=level, comment=comment)

    def _verification(self) -> None:
        """qiye@'s profile verified by Chaoyang's administrator (cy-admin): what a 免申即享 list reads."""
        owner = User.objects.filter(email=OWNER_EMAIL).select_related("enterprise").first()
        verifier = User.objects.filter(username="cy-admin").first()
        if owner is None or verifier is None or ProfileVerification.objects.filter(enterprise=owner.enterprise_id):
            return
        profile_verify(
            user=verifier, credit_code=owner.enterprise.credit_code, evidence="演示：营业执照及纳税申报表核对一致。"
        )

    def _plan_cases(self, district_name, measure_filter, inputs, reviewer_name, finance_name, stages) -> int:
        district = District.objects.filter(name=district_name).first()
        self.reviewer = User.objects.filter(username=reviewer_name).first()
        self.finance = User.objects.filter(username=finance_name).first()
        measure = self._measure(district, measure_filter, self.reviewer)
        if not (district and self.reviewer and self.finance and measure):
            self.stderr.write(f"Skipped {district_name}: run setup_demo after loading the policy data.")
            return 0
        made = 0
        for owner_key, stage in stages:
            owner = self._owner(district, owner_key)
            try:
                self._case(owner, measure, inputs, stage)
                made += 1
            except (TransitionError, ValidationError) as error:
                self.stderr.write(f"{district_name} {measure.citation} {stage}: {error}")
        return made

    def _measure(self, district, measure_filter, reviewer) -> Measure | None:
        """The first monetary measure of the filter in the district whose lead department is the reviewer's."""
        if district is None or reviewer is None:
            return None
        return (
            Measure.objects.filter(measure_filter, document__district=district, monetary=True)
            .filter(lead_departments=reviewer.department_id)
            .exclude(rule_kind="")
            .order_by("pk")
            .first()
        )

    def _owner(self, district, key: str) -> User:
        """The owner of a demo enterprise of the district; `qiye` is the owner whose login the README gives."""
        email = OWNER_EMAIL if key == "qiye" else f"qiye-{district.slug}-{key}@demo.example.cn"
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user
        index = (0 if district.slug == "chaoyang" else 100) + Enterprise.objects.filter(name__startswith="演示").count()
        enterprise = Enterprise.objects.create(
            credit_code=credit_code(index),
            name=f"演示{district.name[:-1]}{'软件' if key == 'qiye' else key}科技有限公司",
            contact_person="王经理",
            email=email,
            mobile="13800000000",
            registered_district=district,
            tax_district=district,
            stats_district=district,
            claim_status="verified",
            founded_on=datetime.date(2015, 3, 1),
            **PROFILE,
        )
        user = User.objects.create_user(
            username=email, email=email, password=self.password, enterprise=enterprise, email_confirmed=True
        )
        enterprise.owner = user
        enterprise.save(update_fields=["owner"])
        return user

    def _case(self, owner: User, measure: Measure, inputs: dict, stage: str) -> Application:
        application, _created = application_start(enterprise=owner.enterprise, measure=measure, user=owner)
        declarations = {d.key: True for d in required_declarations(measure)}
        application_save_draft(application=application, user=owner, inputs=inputs, declarations=declarations)
        for material in materials_of(measure):
            upload = SimpleUploadedFile(f"{material.name}.pdf", DEMO_PDF, content_type="application/pdf")
            attachment_add(application=application, user=owner, upload=upload, material=material)
        if stage == Status.DRAFT:
            return application
        application = application_submit(application_id=application.pk, user=owner)
        if stage == Status.RETURNED:
            return self._act(application, "return_for_correction", self.reviewer, comment="请补充培训人员名单。")
        if stage == Status.REJECTED:
            return self._act(application, "reject", self.reviewer, comment="培训未在规定期限内开展。")
        if stage == Status.WITHDRAWN:
            return self._act(application, "withdraw", owner)
        for action, who, extra in ROAD[: STOP_AFTER.get(stage, len(ROAD))]:
            application = self._step(application, action, who, extra)
        if stage == Status.CLOSED:
            application = self._act(application, "close", self.finance)
        return application

    def _step(self, application: Application, action: str, who: str | None, extra: dict) -> Application:
        actor = {"reviewer": self.reviewer, "finance": self.finance, None: None}[who]
        amount = None
        if extra.get("amount") == "estimate":
            amount = application.estimate_amount or Decimal("10000.00")
        elif extra.get("amount") == "approved":
            amount = application.approved_amount or application.proposed_amount
        data = {}
        if action == "end_publicity":  # as on the day after the demo case's 公示 period
            data = {"on": application.publicity_ends_on + datetime.timedelta(days=1)}
        if action == "record_payment":
            data = {"paid_on": self.today, "bank_reference": f"DEMO-{application.reference}"}
        comment = "材料齐全，按条款提出拟支持金额。" if action == "final_review_pass" else ""
        application = self._act(application, action, actor, comment=comment, amount=amount, **data)
        if action == "final_review_pass" and proposal_pending(application):
            # No figure of the engine's (an amount the clause leaves to the department): a second person agrees.
            admin = User.objects.filter(role=StaffRole.DISTRICT_ADMIN, staff_district=application.district_id).first()
            application = self._act(application, "approve_proposal", admin)
        return application

    def _act(self, application: Application, action: str, actor, comment: str = "", **kwargs) -> Application:
        return apply_transition(application_id=application.pk, action=action, actor=actor, comment=comment, **kwargs)
