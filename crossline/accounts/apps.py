from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crossline.accounts"
    label = "accounts"
