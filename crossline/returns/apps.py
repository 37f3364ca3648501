from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "crossline.returns"
    label = "returns"
    verbose_name = "Returns"
