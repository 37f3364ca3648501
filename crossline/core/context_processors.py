from django.conf import settings

from crossline.core.navigation import navigation_for, sections_of


def service(request):
    user = getattr(request, "user", None)
    navigation = navigation_for(request) if user is not None else []
    return {
        "service_name": "Crossline",
        "protective_marking": "OFFICIAL-SENSITIVE",
        "navigation": navigation,  # every page the user may reach (the home page's cards)
        "service_navigation": sections_of(navigation),  # one entry per part (the header)
        "crossline_env": settings.CROSSLINE_ENV,
    }
