from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "crossline.reference"
    label = "reference"
    verbose_name = "Reference geography"
