"""Modules and degree programmes are worth more than 0 credits."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="degreemodule",
            constraint=models.CheckConstraint(
                condition=models.Q(("credits__gt", 0)),
                name="degree_module_credits",
                violation_error_message="A module is worth more than 0 credits.",
            ),
        ),
        migrations.AddConstraint(
            model_name="degreeprogramme",
            constraint=models.CheckConstraint(
                condition=models.Q(("total_credits__gt", 0)),
                name="degree_programme_total_credits",
                violation_error_message="A degree programme has more than 0 credits.",
            ),
        ),
    ]
