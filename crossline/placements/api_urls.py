"""API routes. DRF authenticates machine clients itself (bearer tokens), so the site-wide
LoginRequiredMiddleware, which would send a token call to the sign-in page, stands aside."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from crossline.placements import api

app_name = "placements_api"
urlpatterns = [
    path("", login_not_required(api.PlacementCreateView.as_view()), name="create"),
    path("<str:reference>", login_not_required(api.PlacementView.as_view()), name="detail"),
]
