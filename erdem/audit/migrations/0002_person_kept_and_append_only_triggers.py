import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import erdem.audit.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("credential.issue", "credential issued"),
                    ("credential.suspend", "credential suspended"),
                    ("credential.reinstate", "credential reinstated"),
                    ("credential.revoke", "credential revoked"),
                    ("credential.reissue", "credential reissued"),
                    ("credential.bulk_issue", "bulk issuance started"),
                    ("role.grant", "role granted"),
                    ("role.end", "role ended"),
                    ("grade.change", "grade given or changed"),
                    ("attendance.correct", "attendance corrected"),
                    ("recognition.decide", "credit request decided"),
                    ("data.export", "personal data exported"),
                    ("data.delete", "personal data deleted"),
                    ("security", "sign-in security"),
                ],
                db_index=True,
                max_length=40,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="about",
            ),
        ),
        erdem.audit.triggers.AppendOnlyTriggers(),
    ]
