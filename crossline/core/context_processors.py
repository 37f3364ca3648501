from django.conf import settings

from crossline.core.navigation import navigation_for


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": "Crossline",
        "protective_marking": "OFFICIAL-SENSITIVE",
        "navigation": navigation_for(request) if user is not None else [],
        "crossline_env": settings.CROSSLINE_ENV,
    }
