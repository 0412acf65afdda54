"""免申即享 certification sources are stored as lists of [kind, value] pairs (measures.direct.stored_sources).

PostgreSQL's jsonb does not keep an object's key order, and that order says which certification level wins. Rows
written before are converted here; forgetting the recorded data loads makes the next `load_policy_data --if-changed`
write them again from the files, in the order the files give.
"""

from django.db import migrations


def stored_sources(sources):
    """measures.direct.stored_sources as of this migration."""
    stored = {}
    for name, source in sources.items():
        if isinstance(source, dict) and len(source) == 1 and isinstance(source.get("certification"), dict):
            source = {"certification": [[kind, value] for kind, value in source["certification"].items()]}
        stored[name] = source
    return stored


def convert(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    for measure in Measure.objects.filter(direct_award=True).only("pk", "direct_inputs"):
        stored = stored_sources(measure.direct_inputs)
        if stored != measure.direct_inputs:
            Measure.objects.filter(pk=measure.pk).update(direct_inputs=stored)
    apps.get_model("measures", "PolicyDataLoad").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("measures", "0007_measure_direct_award")]
    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
