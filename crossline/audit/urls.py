from django.urls import path

from crossline.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export, name="export"),
    path("events/<int:pk>/", views.event, name="event"),
    path("purpose/", views.state_purpose, name="state_purpose"),
]
