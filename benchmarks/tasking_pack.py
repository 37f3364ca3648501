"""How long the tasking meeting pack takes to build and render, on whatever database is configured.

    CROSSLINE_VAR_DIR=... .venv/bin/crossline shell -c "exec(open('benchmarks/tasking_pack.py').read())"

Prints, for the national pack and each regional pack a national co-ordinator can make: the
sections' sizes, the seconds to gather them, to render the PDF (WeasyPrint) and the xlsx, and
the PDF's pages and size.
"""

import time

import pypdfium2
from django.utils import timezone

from crossline.accounts.models import User
from crossline.reference.models import Region
from crossline.tasking.pack import pack_build, pack_pdf, pack_xlsx
from crossline.tasking.selectors import is_national_coordinator

user = next(person for person in User.objects.filter(role_grants__role="coordinator").distinct()
            if is_national_coordinator(person))
today = timezone.localdate()
print(f"{'scope':28} {'top':>4} {'xover':>5} {'noms':>4} {'late':>4} {'done':>4} "
      f"{'gather s':>8} {'pdf s':>6} {'xlsx s':>6} {'pages':>5} {'pdf KiB':>7}")
for region in [None, *Region.objects.order_by("name")[:3]]:
    started = time.perf_counter()
    pack = pack_build(user=user, region=region, held_on=today)
    gathered = time.perf_counter()
    pdf = pack_pdf(pack)
    rendered = time.perf_counter()
    pack_xlsx(pack)
    written = time.perf_counter()
    pages = len(pypdfium2.PdfDocument(pdf))
    print(f"{pack.scope[:28]:28} {len(pack.top_lines):>4} {len(pack.crossover):>5} {len(pack.nominations):>4} "
          f"{len(pack.overdue):>4} {len(pack.results):>4} {gathered - started:>8.2f} {rendered - gathered:>6.2f} "
          f"{written - rendered:>6.2f} {pages:>5} {len(pdf) / 1024:>7.0f}")
