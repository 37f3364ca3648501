"""The geography pages: forces by region, a force's councils and border districts, and a search
that says where a postcode, force or council is. Open reference data: any verified user."""

from django.http import FileResponse, Http404
from django.shortcuts import render

from crossline.core.permissions import requires
from crossline.reference import selectors
from crossline.reference.services import DATA_DIR

FORCE_BOUNDARIES_FILE = DATA_DIR / "police_force_areas_dec2020_ew_generalised.geojson"
QUERY_MAX = 100


@requires()
def areas(request):
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    answer = selectors.place_search(query) if query else None
    return render(request, "reference/areas.html", {
        "query": query,
        "answer": answer,
        "description": selectors.describe_location(answer.location) if answer and answer.location else "",
        "regions": selectors.forces_by_region(),
    })


@requires()
def force(request, code):
    area = selectors.force_area(code.upper())
    if area is None:
        raise Http404("No such police force.")
    return render(request, "reference/force.html", {"area": area})


@requires()
def force_boundaries(request):
    """Force area boundaries (ONS, generalised) for maps, as GeoJSON."""
    return FileResponse(FORCE_BOUNDARIES_FILE.open("rb"), content_type="application/geo+json")
