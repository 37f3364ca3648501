from django.apps import AppConfig


class TaskingConfig(AppConfig):
    name = "crossline.tasking"
    verbose_name = "Tasking"
