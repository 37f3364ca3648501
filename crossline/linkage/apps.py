from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "crossline.linkage"
    verbose_name = "Crossover (entity resolution)"
