from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "crossline.demo"
    label = "demo"
    verbose_name = "Demonstration data"
