from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "crossline.assessment"
    verbose_name = "Threat assessment (priority lines)"
