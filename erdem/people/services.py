from typing import Any

from erdem.people.models import Person


def person_update_preferences(
    *, person: Person | Any, preferred_language: str | None = None, low_bandwidth: bool | None = None
) -> Person:
    fields = []
    if preferred_language is not None and person.preferred_language != preferred_language:
        person.preferred_language = preferred_language
        fields.append("preferred_language")
    if low_bandwidth is not None and person.low_bandwidth != low_bandwidth:
        person.low_bandwidth = low_bandwidth
        fields.append("low_bandwidth")
    if fields:
        person.save(update_fields=fields)
    return person
