"""The policy data as `load_policy_data` left it, taken once per test session and restored in bulk.

Loading the data files takes thousands of queries (25-50 s on a busy machine). A transactional test (the browser's
live server, a Celery worker) runs on a database that pytest-django flushes after every such test; it gets the
same rows back, with the same primary keys, from this snapshot in a few bulk inserts instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, models, transaction

from contacts.models import ContactPerson, Department, Section
from measures.models import (
    BeneficiaryType,
    District,
    Measure,
    MeasureCondition,
    PolicyDataLoad,
    PolicyDocument,
)

# The models measures.loading.load_policy_data writes, parents first; their many-to-many tables are added below.
# tests/test_policy_snapshot.py fails, naming the table, if the loader writes a table that is not here.
LOADED_MODELS: tuple[type[models.Model], ...] = (
    BeneficiaryType,
    District,
    Department,
    Section,
    ContactPerson,
    PolicyDocument,
    Measure,
    MeasureCondition,
    PolicyDataLoad,
)


def snapshot_models() -> list[type[models.Model]]:
    """Return the loaded models followed by the join tables of their many-to-many fields."""
    joins = [
        field.remote_field.through
        for model in LOADED_MODELS
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    return [*LOADED_MODELS, *joins]


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    fields: tuple[models.Field, ...]
    rows: tuple[tuple, ...]

    def insert(self, cursor) -> None:
        """Insert the rows as they were read: no `save()`, no signals, no `auto_now_add` stamping a new time."""
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        cursor.executemany(
            f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({placeholders})",
            [
                [field.get_db_prep_save(value, connection) for field, value in zip(self.fields, row, strict=True)]
                for row in self.rows
            ],
        )


@dataclass(frozen=True)
class PolicySnapshot:
    tables: tuple[Table, ...]

    @classmethod
    def take(cls) -> PolicySnapshot:
        """Read every row of the policy tables as they stand (call it right after `load_policy_data`)."""
        tables = []
        for model in snapshot_models():
            fields = tuple(model._meta.concrete_fields)
            rows = model._base_manager.order_by("pk").values_list(*(field.attname for field in fields))
            tables.append(Table(model, fields, tuple(rows)))
        return cls(tuple(tables))

    def restore(self) -> None:
        """Insert the rows into the (flushed) tables and move each table's id sequence past them."""
        statements = connection.ops.sequence_reset_sql(no_style(), [table.model for table in self.tables])
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables:
                if table.rows:
                    table.insert(cursor)
            for statement in statements:
                cursor.execute(statement)

    def restore_if_flushed(self) -> None:
        """Restore the rows unless they are there: a transactional test before this one flushed the database."""
        if not District.objects.exists():
            self.restore()
