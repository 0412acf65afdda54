"""Celery tasks: thin wrappers that call the services (the beat schedule is added with the holiday calendar)."""

from celery import shared_task

from .services import correction_lapse_due, publicity_close_due


@shared_task
def close_due_publicity() -> int:
    return len(publicity_close_due())


@shared_task
def lapse_due_corrections() -> int:
    return len(correction_lapse_due())
