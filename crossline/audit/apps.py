from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "crossline.audit"
    label = "audit"
