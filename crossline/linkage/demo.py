"""Crossover for the demonstration: one full resolution over the demo's national returns, so the
matrix, force pages, entities, networks, review queue and feedback have something to show.

Called by `crossline demo load` after the returns are submitted. Each accepted return also queued
its own resolution (tasks.resolve_return); those find this run already covers them and stop.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from crossline.linkage.models import LinkRun
from crossline.linkage.runs import linkage_resolve_full


def linkage_demo_load(*, progress: Callable[[str], None] = print) -> LinkRun:
    """Resolve every current demo record (DuckDB) and say what was found."""
    if settings.PRODUCTION or not settings.CROSSLINE_DEMO:
        raise ImproperlyConfigured("The crossover demo runs only in a demonstration (CROSSLINE_DEMO=1).")
    last_stage = [""]

    def report(stage: str, done: int, total: int) -> None:
        if stage != last_stage[0]:
            last_stage[0] = stage
            progress(f"  {stage}")

    run = linkage_resolve_full(progress=report)
    for kind, counts in run.counts.items():
        progress(f"  {kind}: {counts.get('records', 0):,} records, {counts.get('entities', 0):,} entities, "
                 f"{(counts.get('candidates') or {}).get('opened', 0):,} pairs for review")
    return run
