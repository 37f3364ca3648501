from django.db import connection
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from crossline.core.permissions import public, requires


@requires()
def home(request):
    from crossline.compliance.selectors import notices_unread_count

    return render(request, "core/home.html", {"user": request.user,
                                              "unread_notices": notices_unread_count(user=request.user)})


@public
def healthz(request):
    """For load balancers: answers only whether the service and its database respond."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: whatever broke (the database, say) must not break the error page too.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
