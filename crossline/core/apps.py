from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "crossline.core"
    label = "core"
    verbose_name = "Crossline core"
