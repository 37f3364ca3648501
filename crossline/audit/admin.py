from django.contrib import admin

from crossline.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the trail is appended to by the services, never edited by hand."""

    list_display = ["id", "occurred_at", "actor_username", "organisation_name", "action", "object_type"]
    list_filter = ["action", "actor_kind"]
    search_fields = ["actor_username", "object_type", "request_id"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
