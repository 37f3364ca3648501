from django.urls import path

from crossline.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("mfa", views.mfa_challenge, name="mfa_challenge"),
    path("mfa/set-up", views.mfa_enrol, name="mfa_enrol"),
    path("mfa/backup-codes", views.backup_codes, name="backup_codes"),
    path("", views.my_account, name="my_account"),
    path("invitation/<str:token>", views.invitation_accept, name="invitation_accept"),
]
