from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_notice_delivery"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["district", "updated_at"], name="application_district_updated"),
        ),
    ]
