"""Outgoing e-mail for support: what is waiting, what failed and why; given-up mail can be sent again.
The content is not shown (it may hold someone's password link)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from erdem.outbox.models import OutgoingEmail
from erdem.outbox.services import outbox_retry_failed


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    fields = ("subject", "to", "status", "attempts", "created_at", "next_attempt_at", "sent_at", "last_error")
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutgoingEmail | None = None) -> bool:
        return False

    @admin.action(description=_("Send the chosen given-up e-mails again"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        count = outbox_retry_failed(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again within a minute.",
                "%(count)d e-mails will be sent again within a minute.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
