from django.apps import AppConfig


class IntensificationConfig(AppConfig):
    name = "crossline.intensification"
    verbose_name = "Intensification weeks"
