from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "crossline.organisations"
    label = "organisations"
