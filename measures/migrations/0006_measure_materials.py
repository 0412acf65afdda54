from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0005_rule_sets_cap_periods_ceiling_covers"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="materials",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="每项：key、name（原文名称）、types（pdf、image、word、excel）、required、note、quote。",
                verbose_name="申报材料",
            ),
        ),
    ]
