from django.urls import path

from crossline.organisations import views

app_name = "organisations"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/invite", views.user_invite, name="user_invite"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/roles", views.user_roles, name="user_roles"),
    path("users/<int:pk>/suspend", views.user_suspend, name="user_suspend"),
    path("users/<int:pk>/reactivate", views.user_reactivate, name="user_reactivate"),
    path("api-clients/", views.machine_clients, name="machine_clients"),
    path("api-clients/<int:pk>/revoke", views.machine_client_revoke, name="machine_client_revoke"),
]
