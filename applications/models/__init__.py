"""The applications app's models, one module per part of the work; imported here so Django and callers find them."""

from .cases import (
    AUDIT_HEAD_FIELDS,
    AWARDED_STATUSES,
    EDITABLE_STATUSES,
    FINANCE_STATUSES,
    PAYABLE_STATUSES,
    TERMINAL_STATUSES,
    Application,
    ApplicationQuerySet,
    Attachment,
    Event,
    EventQuerySet,
    Payment,
    ReferenceSequence,
    Status,
    attachment_path,
)
from .direct import DirectEntry, DirectList, ProfileVerification
from .inbox import NoticePreference, NoticeReceipt, NoticeReceiptQuerySet
from .integrity import IntegrityLink, IntegrityLinkKind
from .notices import Notice, NoticeKind, NoticeQuerySet
from .objections import Objection, ObjectionOutcome, ObjectionQuerySet
from .ratings import RatingLevel, RatingStage, Rectification, ServiceRating
from .review import CriterionAnswer, MaterialCheck
from .sanctions import Ban, BanAmendment, BanQuerySet, FraudFinding, Recovery, Repayment
from .storage import PrivateStorage
from .subscriptions import MeasureAlert, MeasureSubscription, SubscriptionRun

__all__ = [
    "AUDIT_HEAD_FIELDS",
    "AWARDED_STATUSES",
    "EDITABLE_STATUSES",
    "FINANCE_STATUSES",
    "PAYABLE_STATUSES",
    "TERMINAL_STATUSES",
    "Application",
    "ApplicationQuerySet",
    "Attachment",
    "Ban",
    "BanAmendment",
    "BanQuerySet",
    "CriterionAnswer",
    "DirectEntry",
    "DirectList",
    "Event",
    "EventQuerySet",
    "FraudFinding",
    "IntegrityLink",
    "IntegrityLinkKind",
    "MaterialCheck",
    "MeasureAlert",
    "MeasureSubscription",
    "Notice",
    "NoticeKind",
    "NoticePreference",
    "NoticeQuerySet",
    "NoticeReceipt",
    "NoticeReceiptQuerySet",
    "Objection",
    "ObjectionOutcome",
    "ObjectionQuerySet",
    "Payment",
    "PrivateStorage",
    "ProfileVerification",
    "RatingLevel",
    "RatingStage",
    "Recovery",
    "Rectification",
    "ReferenceSequence",
    "Repayment",
    "ServiceRating",
    "Status",
    "SubscriptionRun",
    "attachment_path",
]
