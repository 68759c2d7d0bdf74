"""The consent each person gave before the history existed becomes its first record."""

from django.db import migrations


def consent_records_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    ConsentRecord = apps.get_model("people", "ConsentRecord")
    rows = Person.objects.filter(consent_at__isnull=False).values_list("pk", "consent_version", "consent_at")
    ConsentRecord.objects.bulk_create(
        (
            ConsentRecord(person_id=pk, kind="terms", version=version, given_at=given_at)
            for pk, version, given_at in rows.iterator(chunk_size=1000)
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0004_privacy_consent_export_deletion")]

    operations = [migrations.RunPython(consent_records_create, migrations.RunPython.noop)]
