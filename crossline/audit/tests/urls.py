"""The real URLs plus one page that shows personal data, to test the purpose gate through the stack."""

from django.http import HttpResponse
from django.urls import path

from crossline.audit.decorators import personal_data_view
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.permissions import requires
from crossline.urls import handler403, handler404, handler500  # noqa: F401
from crossline.urls import urlpatterns as crossline_urlpatterns


@requires("crossline.view_personal_data")
@personal_data_view
def person(request, pk: int):
    audit_record(action=AuditAction.VIEW, object_type="returns.Person", object_refs=[pk], request=request)
    return HttpResponse(f"Person {pk}")


urlpatterns = [path("test-person/<int:pk>/", person, name="test_person"), *crossline_urlpatterns]
