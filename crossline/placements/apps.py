from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "crossline.placements"
    label = "placements"
    verbose_name = "Placement notifications"
