from django.urls import path

from crossline.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.areas, name="areas"),
    path("forces/<str:code>/", views.force, name="force"),
    path("force-boundaries.geojson", views.force_boundaries, name="force_boundaries"),
]
