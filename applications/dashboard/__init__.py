"""The staff home's figures (`/admin/`): a person's queue by stage, what is overdue, what is assigned to them, the
objections awaiting triage, and the charts of their scope (figures.py). Read-only; every figure starts from
permissions.applications_visible_to, so a reviewer counts the measures their department leads, an administrator or
auditor their district, a superuser everything."""
