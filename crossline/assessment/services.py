"""Writes: scoring every line, and the national centre changing the scoring model."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from crossline.accounts.roles import COORDINATE_TASKING
from crossline.assessment.facts import network_evidence, read_picture
from crossline.assessment.models import (
    AssessedIdentity,
    Assessment,
    AssessmentStatus,
    AssessmentTrigger,
    LineAssessment,
    NetworkAssessment,
    ScoringModel,
)
from crossline.assessment.scoring import Weights, score_line
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.organisations.models import OrganisationKind

DEFAULT_NATIONAL = 100.0  # roughly: active, well evidenced, several children exploited with violence or weapons
DEFAULT_REGIONAL = 40.0  # roughly: an active, well evidenced line exploiting a child


def may_change_scoring_model(user) -> bool:
    """Only the national centre's co-ordinators set the national scoring model."""
    organisation = getattr(user, "organisation", None) if getattr(user, "organisation_id", None) else None
    return (organisation is not None and organisation.kind == OrganisationKind.NATIONAL_CENTRE
            and user.has_perm(COORDINATE_TASKING))


@transaction.atomic
def scoring_model_ensure() -> ScoringModel:
    """The active scoring model; version 1 (the defaults) if there is none yet."""
    active = ScoringModel.objects.select_for_update().filter(is_active=True).first()
    if active is not None:
        return active
    if ScoringModel.objects.exists():  # none active but some exist: the newest comes back
        newest = ScoringModel.objects.select_for_update().order_by("-version").first()
        newest.is_active = True
        newest.save(update_fields=["is_active"])
        return newest
    return ScoringModel.objects.create(
        version=1, weights=Weights().as_dict(), national_threshold=DEFAULT_NATIONAL,
        regional_threshold=DEFAULT_REGIONAL, reason="The defaults Crossline ships with.",
        created_at=timezone.now(), is_active=True)


@transaction.atomic
def scoring_model_create(*, weights: dict, national_threshold: float, regional_threshold: float, reason: str,
                         created_by, request=None) -> ScoringModel:
    """A new version of the scoring model, active from now; earlier versions stay as they were."""
    if not may_change_scoring_model(created_by):
        raise PermissionDenied("Only the national centre's co-ordinators change the scoring model.")
    chosen = Weights.from_dict({**Weights().as_dict(), **weights})
    problems = chosen.problems()
    if not 0 <= regional_threshold < national_threshold:
        problems["national_threshold"] = "The national threshold must be above the regional threshold, both 0 or more."
    if not reason or not reason.strip():
        problems["reason"] = "Say why the scoring model is changing."
    if problems:
        raise ValidationError(problems)
    current = scoring_model_ensure()
    version = (ScoringModel.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    ScoringModel.objects.filter(pk=current.pk).update(is_active=False)
    model = ScoringModel.objects.create(
        version=version, weights=chosen.as_dict(), national_threshold=national_threshold,
        regional_threshold=regional_threshold, reason=reason.strip(), created_by=created_by,
        created_at=timezone.now(), is_active=True)
    changed = sorted(key for key, value in chosen.as_dict().items() if current.weights.get(key) != value)
    audit_record(action=AuditAction.CHANGE, object_type="assessment.ScoringModel", object_refs=[model.pk],
                 request=request, actor=created_by,
                 detail={"version": version, "previous_version": current.version, "changed": changed,
                         "national_threshold": national_threshold, "regional_threshold": regional_threshold})
    return model


def _taskings(line_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, int]]:
    """line -> the organisations holding its live taskings; force -> live taskings its
    organisations hold. Empty while the tasking app is not installed."""
    try:
        from crossline.tasking.selectors import live_taskings_for_lines
    except ImportError:
        return {}, {}
    owners_by_line: dict[int, list[str]] = {}
    per_force: Counter = Counter()
    seen: set[tuple[int, str]] = set()
    for line_id, taskings in live_taskings_for_lines(line_ids).items():
        names = []
        for tasking in taskings:
            for owner in tasking.owners.all():
                if getattr(owner, "status", "") not in ("awaiting", "accepted"):
                    continue
                names.append(owner.organisation.name)
                force = getattr(owner.organisation, "police_force_id", None)
                if force and (tasking.pk, force) not in seen:
                    seen.add((tasking.pk, force))
                    per_force[force] += 1
        if taskings:
            owners_by_line[line_id] = names or ["an owner yet to answer"]
    return owners_by_line, dict(per_force)


# Any constant nothing else uses: "assess" in ASCII.
ASSESSMENT_WRITE_LOCK = 0x617373657373


def _one_writer_at_a_time() -> None:
    """Two runs finishing together (after a resolution, and from the command line) write one after
    the other, each seeing the other's rows as the previous scores. SQLite's IMMEDIATE transactions
    already take the write lock at BEGIN; PostgreSQL needs this lock, held until commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ASSESSMENT_WRITE_LOCK])


def _previous_by_identity(identities, by_identity: dict, rows: dict):
    """The latest score of the line this one was, under another entity number: the previous line
    sharing most of its references."""
    shared = Counter(by_identity[key] for key in identities if key in by_identity)
    if not shared:
        return None
    row_id, _count = max(shared.items(), key=lambda item: (item[1], item[0]))
    return rows.get(row_id)


def _scored_fields(result, facts) -> dict:
    return {"score": result.score, "band": result.band, "harm": result.harm, "likelihood": result.likelihood,
            "confidence": result.confidence, "position": result.position,
            "corroboration": max(facts.forces_reporting - 1, 0), "contributions": result.contribution_dicts()}


def assess_lines(*, trigger: str = AssessmentTrigger.COMMAND, started_by=None, link_run=None,
                 today: date | None = None, progress=None) -> Assessment:
    """Score every active line and every network of lines with the active scoring model.

    Earlier assessments stay: each line's new row becomes its latest, and keeps the score and
    band it had before, so that changes are easy to find.
    """
    say = progress or (lambda stage, done, total: None)
    model = scoring_model_ensure()
    weights = Weights.from_dict(model.weights)
    started = timezone.now()
    today = today or timezone.localdate()
    assessment = Assessment.objects.create(scoring_model=model, trigger=trigger, link_run=link_run,
                                           started_by=started_by, started_at=started)
    try:
        picture = read_picture(today=today, progress=say)
        line_ids = sorted(picture.lines)
        tasked_to, force_taskings = _taskings(line_ids)

        def facts_for(evidence, ids):
            owners = [name for pk in ids for name in tasked_to.get(pk, ())]
            live = sum(1 for pk in ids if pk in tasked_to)
            busiest = max((force_taskings.get(code, 0) for code in evidence.touches()), default=0)
            return evidence.facts(today=today, live_taskings=live, tasked_to=owners, busiest_force_taskings=busiest)

        thresholds = {"national": model.national_threshold, "regional": model.regional_threshold}
        say("Scoring lines", 0, len(line_ids))
        with transaction.atomic():
            _one_writer_at_a_time()
            previous = {row.entity_id: row for row in LineAssessment.objects.filter(is_latest=True).only(
                "id", "entity_id", "score", "band")}
            previous_by_identity = {(force, ref): row_id for force, ref, row_id in AssessedIdentity.objects.filter(
                line_assessment__is_latest=True).values_list("force_code", "ref", "line_assessment_id")}
            previous_rows = {row.pk: row for row in previous.values()}
            network_rows = {}
            for group in picture.networks:
                evidence = network_evidence(picture, group)
                facts = facts_for(evidence, group)
                result = score_line(facts, weights, **thresholds)
                network_rows[group[0]] = NetworkAssessment(assessment=assessment, line_entity_ids=group,
                                                           facts=facts.as_dict(), **_scored_fields(result, facts))
            NetworkAssessment.objects.bulk_create(network_rows.values(), batch_size=500)
            network_of = {pk: network_rows[group[0]] for group in picture.networks for pk in group}
            LineAssessment.objects.filter(is_latest=True).update(is_latest=False)
            rows, touches = [], []
            for done, pk in enumerate(line_ids, start=1):
                evidence = picture.lines[pk]
                facts = facts_for(evidence, [pk])
                result = score_line(facts, weights, **thresholds)
                before = previous.get(pk) or _previous_by_identity(evidence.identities, previous_by_identity,
                                                                   previous_rows)
                rows.append(LineAssessment(
                    assessment=assessment, entity_id=pk, network=network_of.get(pk), assessed_at=started,
                    reported_by=sorted(evidence.forces), facts=facts.as_dict(),
                    previous_score=before.score if before else None, previous_band=before.band if before else "",
                    is_latest=True, **_scored_fields(result, facts)))
                touches.append(sorted(code for code in evidence.touches() if code))
                if done % 500 == 0:
                    say("Scoring lines", done, len(line_ids))
            LineAssessment.objects.bulk_create(rows, batch_size=500)
            if not all(row.pk for row in rows):  # backends that do not return ids on bulk insert
                ids = dict(LineAssessment.objects.filter(assessment=assessment).values_list("entity_id", "pk"))
                for row in rows:
                    row.pk = ids[row.entity_id]
            AssessedIdentity.objects.bulk_create(
                [AssessedIdentity(line_assessment_id=row.pk, force_code=force, ref=ref)
                 for row in rows for force, ref in sorted(picture.lines[row.entity_id].identities)], batch_size=2_000)
            through = LineAssessment.touches.through
            through.objects.bulk_create([through(lineassessment_id=row.pk, policeforce_id=code)
                                         for row, codes in zip(rows, touches, strict=True) for code in codes],
                                        batch_size=2_000)
            assessment.status = AssessmentStatus.FINISHED
            assessment.finished_at = timezone.now()
            assessment.line_count = len(rows)
            assessment.network_count = len(network_rows)
            assessment.save(update_fields=["status", "finished_at", "line_count", "network_count"])
            audit_record(action=AuditAction.CREATE, object_type="assessment.Assessment", object_refs=[assessment.pk],
                         actor=started_by,
                         detail={"trigger": trigger, "scoring_model": model.version, "lines": len(rows),
                                  "networks": len(network_rows), "link_run": getattr(link_run, "pk", None)})
        say("Scoring lines", len(line_ids), len(line_ids))
    except Exception as error:
        Assessment.objects.filter(pk=assessment.pk).update(
            status=AssessmentStatus.FAILED, finished_at=timezone.now(), failure=type(error).__name__[:200])
        raise
    return assessment
