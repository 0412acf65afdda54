from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0013_review_assignment_materials"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="其他语言版本"),
        ),
    ]
