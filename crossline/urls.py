from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from crossline.accounts.admin_site import mfa_protect_admin

mfa_protect_admin(admin.site)

urlpatterns = [
    path("", include("crossline.core.urls")),
    path("account/", include("crossline.accounts.urls")),
    path("organisation/", include("crossline.organisations.urls")),
    path("audit/", include("crossline.audit.urls")),
    path("geography/", include("crossline.reference.urls")),
    path("placements/", include("crossline.placements.urls")),
    path("returns/", include("crossline.returns.urls")),
    path("compliance/", include("crossline.compliance.urls")),
    path("crossover/", include("crossline.linkage.urls")),
    path("priorities/", include("crossline.assessment.urls")),
    path("tasking/", include("crossline.tasking.urls")),
    path("intensification/", include("crossline.intensification.urls")),
    # The API authenticates machine clients itself (DRF, bearer tokens); sessions play no part.
    path("api/v1/schema", login_not_required(SpectacularAPIView.as_view()),
         name="api-schema"),
    path("api/v1/placements/", include("crossline.placements.api_urls")),
    path("api/v1/tasking/", include("crossline.tasking.api_urls")),
    path("api/v1/intensification/", include("crossline.intensification.api_urls")),
    path("api/v1/", include("crossline.returns.api_urls")),
    # Not at /admin/ (AC-06): the path is set per deployment.
    path(settings.CROSSLINE_ADMIN_PATH, admin.site.urls),
]

handler403 = "crossline.core.views.forbidden"
handler404 = "crossline.core.views.not_found"
handler500 = "crossline.core.views.server_error"
