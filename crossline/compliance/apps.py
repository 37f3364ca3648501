from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "crossline.compliance"
    verbose_name = "Return compliance"
