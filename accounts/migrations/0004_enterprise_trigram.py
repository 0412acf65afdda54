"""Trigram indexes for searching enterprises by any part of their name or credit code (issue 7), PostgreSQL only.

The admin searches `name__icontains` and `credit_code__icontains`, which Django writes as
`UPPER("name"::text) LIKE UPPER('%…%')`: each index is on that expression, with pg_trgm's operator class, so that
PostgreSQL reads the matching rows from the index instead of scanning every enterprise.

The indexes exist in the database only, not in the model state: SQLite has neither pg_trgm nor GIN, and the
migration does nothing there; `makemigrations --check` stays clean on both.
"""

from django.db import migrations

# Written out rather than as GinIndex(OpClass(Upper(Cast(...)))): OpClass inside an index expression needs
# django.contrib.postgres in INSTALLED_APPS, and GinIndex(fields=..., opclasses=...) would index the bare column,
# which `UPPER(...) LIKE` cannot use.
INDEXES = {
    "accounts_enterprise_name_trgm": "name",
    "accounts_enterprise_code_trgm": "credit_code",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it. Left in place when the migration
    # is reversed (TrigramExtension would drop it, and fails on SQLite when reversed).
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {index} ON accounts_enterprise USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_heads"),
    ]

    operations = [
        migrations.RunPython(add_indexes, remove_indexes, elidable=False),
    ]
