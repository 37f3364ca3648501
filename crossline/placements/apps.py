from django.apps import AppConfig
from django.core import checks


class PlacementsConfig(AppConfig):
    name = "crossline.placements"
    label = "placements"
    verbose_name = "Placement notifications"

    def ready(self):
        from crossline.placements.conf import check_escalation_delays

        checks.register(check_escalation_delays)
