"""API routes. DRF authenticates machine clients itself (bearer tokens), so the site-wide
LoginRequiredMiddleware stands aside."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from crossline.intensification import api

app_name = "intensification_api"
urlpatterns = [
    path("weeks", login_not_required(api.WeeksView.as_view()), name="weeks"),
    path("weeks/<int:pk>/results", login_not_required(api.ResultsSubmitView.as_view()), name="results"),
]
