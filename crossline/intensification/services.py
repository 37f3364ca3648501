"""Changes to intensification weeks: opening a week, a force's results, and reminders.

    week = week_open(name=..., starts_on=..., ends_on=..., results_due_on=..., focus="", opened_by=user)
    outcome = results_submit(week=week, force=force, raw={...}, through="form", actor=user)
    outcome.result      # the stored version (None when there were errors)
    outcome.errors      # every problem at once, located; nothing was stored
    outcome.warnings    # plausibility warnings, kept with the version

The web form, the API and the upload all call `results_submit` (the upload through
`results_upload`, which reads the file first), so a figure is checked the same way whichever
way it came. Every change writes its audit record in its own transaction.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import SUBMIT_INTENSIFICATION_RESULTS
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.compliance.models import Notice
from crossline.compliance.services import reminder_recipients
from crossline.core.idempotency import key_check
from crossline.intensification.figures import BY_KEY, DRUG_KEYS, FIGURES
from crossline.intensification.models import DrugSeizure, IntensificationWeek, ResultsReminder, WeekResult
from crossline.intensification.selectors import forces_submittable_for_week, may_open_weeks, previous_highest
from crossline.intensification.upload import results_read
from crossline.intensification.validate import Problem, Raw, problem_at, results_check
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce

WEEK_DAYS_MAX = 14
RESULTS_DUE_DAYS_MAX = 28  # after the week ends
REMINDER_LEAD_DAYS = 2  # forces without results are reminded this many days before they are due


class IdempotencyConflict(Exception):  # noqa: N818 - named for what the caller is told
    """The key was used before for different results (API: 422)."""

    def __init__(self, result: WeekResult):
        super().__init__("This Idempotency-Key was already used for different results.")
        self.result = result


# --- weeks ------------------------------------------------------------------------------------
@transaction.atomic
def week_open(*, name: str, starts_on: date, ends_on: date, results_due_on: date, focus: str = "",
              opened_by, request=None) -> IntensificationWeek:
    """Open an intensification week. Only the national centre's co-ordinators may (`opened_by`
    None is the platform itself: the demonstration)."""
    if opened_by is not None and not may_open_weeks(opened_by):
        raise PermissionDenied("Only the national centre opens intensification weeks.")
    name, focus = (name or "").strip(), (focus or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the week"
    elif len(name) > 120:
        errors["name"] = "The name must be 120 characters or fewer"
    elif IntensificationWeek.objects.filter(name__iexact=name).exists():
        errors["name"] = "There is already a week with this name. Give this one another"
    if len(focus) > 2000:
        errors["focus"] = "The focus must be 2,000 characters or fewer"
    if ends_on < starts_on:
        errors["ends_on"] = "The last day must be the same as or after the first day"
    elif (ends_on - starts_on).days + 1 > WEEK_DAYS_MAX:
        errors["ends_on"] = f"An intensification week lasts at most {WEEK_DAYS_MAX} days"
    if "ends_on" not in errors:
        if results_due_on < ends_on:
            errors["results_due_on"] = "Results must be due on or after the last day of the week"
        elif (results_due_on - ends_on).days > RESULTS_DUE_DAYS_MAX:
            errors["results_due_on"] = f"Results must be due within {RESULTS_DUE_DAYS_MAX} days of the week ending"
    if opened_by is not None and ends_on < timezone.localdate():
        errors.setdefault("ends_on", "The week must not have ended already")
    if errors:
        raise ValidationError(errors)
    week = IntensificationWeek.objects.create(name=name, starts_on=starts_on, ends_on=ends_on,
                                              results_due_on=results_due_on, focus=focus, opened_by=opened_by,
                                              opened_at=timezone.now())
    audit_record(action=AuditAction.CREATE, object_type="intensification.IntensificationWeek", object_refs=[week.pk],
                 actor=opened_by, request=request,
                 detail={"name": name, "starts_on": starts_on, "ends_on": ends_on, "results_due_on": results_due_on})
    return week


# --- results ----------------------------------------------------------------------------------
@dataclass
class Outcome:
    result: WeekResult | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    created: bool = False  # a new version was stored
    replayed: bool = False  # the same Idempotency-Key and body: the first answer again

    @property
    def ok(self) -> bool:
        return not self.errors


def fingerprint_of(force_code: str, raw: dict[str, Raw]) -> str:
    body = {"force": force_code, **{key: str(getattr(r.value, "text", r.value)) for key, r in sorted(raw.items())}}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _check_submitter(actor, organisation: Organisation, force: PoliceForce) -> None:
    if actor is None or not actor.has_perm(SUBMIT_INTENSIFICATION_RESULTS):
        raise PermissionDenied("Only a force's submitters may send its results.")
    if getattr(actor, "organisation_id", None) != organisation.pk:
        raise PermissionDenied("Results are sent for the sender's own organisation only.")
    if not forces_submittable_for_week(user=actor).filter(pk=force.pk).exists():
        raise PermissionDenied(f"{organisation.name} may not send results for {force.force_name}.")


def results_submit(*, week: IntensificationWeek, force: PoliceForce, raw: dict[str, Raw], through: str, actor,
                   organisation: Organisation | None = None, problems=(), idempotency_key: str | None = None,
                   fingerprint: str | None = None, filename: str = "", request=None,
                   today: date | None = None) -> Outcome:
    """Check a force's results for a week and, if there is no error, store them as its next
    version. `problems` are errors already found in the file they came in (located). The same
    figures as the current version store nothing new. A force may send only its own results."""
    organisation = organisation or getattr(actor, "organisation", None)
    _check_submitter(actor, organisation, force)
    today = today or timezone.localdate()
    key = idempotency_key
    if key is not None:
        key_check(key)
        fingerprint = fingerprint or fingerprint_of(force.pk, raw)
        replay = _replay(organisation, key, fingerprint, actor, request)
        if replay is not None:
            return replay
    checked = results_check(raw, previous_highest=previous_highest(week=week, force_code=force.pk))
    # A figure the file has no row for is reported once, by the file's own problem.
    missing = {p.field for p in problems if p.code == "missing_field"}
    errors = [*problems, *(e for e in checked.errors if e.field not in missing)]
    if today < week.starts_on:
        errors.insert(0, Problem(None, f"{week.name} starts on {week.starts_on:%-d %B %Y}. Send results once it "
                                       "has started", "week_not_started"))
    if errors:
        errors.sort(key=lambda p: (p.row is None, p.row or 0))  # a file's problems in its own order
        with transaction.atomic():
            audit_record(action=AuditAction.CREATE, object_type="intensification.WeekResult", actor=actor,
                         request=request, detail={"refused": "invalid", "week": week.pk, "force": force.pk,
                                                  "through": through, "errors": len(errors)})
        return Outcome(result=None, errors=errors)
    try:
        return _store(week=week, force=force, values=checked.values, warnings=checked.warnings, through=through,
                      actor=actor, organisation=organisation, key=key or "", fingerprint=fingerprint or "",
                      filename=filename, request=request)
    except IntegrityError:
        if key is None:
            raise
        # Another request with this key got there first: answer as a retry would be answered.
        replay = _replay(organisation, key, fingerprint, actor, request)
        if replay is None:
            raise
        return replay


def _replay(organisation, key: str, fingerprint: str, actor, request) -> Outcome | None:
    existing = WeekResult.objects.filter(organisation=organisation, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        with transaction.atomic():
            audit_record(action=AuditAction.CREATE, object_type="intensification.WeekResult",
                         object_refs=[existing.pk], actor=actor, request=request,
                         detail={"refused": "idempotency_key_reused"})
        raise IdempotencyConflict(existing)
    return Outcome(result=existing, warnings=[_warning_from(w) for w in existing.warnings], replayed=True)


def _warning_from(stored: dict) -> Problem:
    return Problem(stored.get("field"), stored.get("message", ""), stored.get("code", ""))


@transaction.atomic
def _store(*, week, force, values, warnings, through, actor, organisation, key, fingerprint, filename,
           request) -> Outcome:
    IntensificationWeek.objects.select_for_update().filter(pk=week.pk).first()  # one version at a time per week
    versions = WeekResult.objects.filter(week=week, force=force)
    current = versions.select_for_update().filter(is_current=True).first()
    if current is not None and _same(current, values):
        audit_record(action=AuditAction.CREATE, object_type="intensification.WeekResult",
                     object_refs=[current.pk], actor=actor, request=request,
                     detail={"unchanged": True, "week": week.pk, "force": force.pk, "through": through})
        return Outcome(result=current, warnings=warnings)
    version = (versions.aggregate(last=Max("version"))["last"] or 0) + 1
    if current is not None:
        current.is_current = False  # first: only one version may be current
        current.save(update_fields=["is_current"])
    machine = hasattr(actor, "scopes")
    result = WeekResult.objects.create(
        week=week, force=force, version=version, is_current=True, supersedes=current, organisation=organisation,
        submitted_by=None if machine else actor, machine_client=actor if machine else None,
        submitted_at=timezone.now(), submitted_through=through, filename=(filename or "")[:255],
        idempotency_key=key, request_fingerprint=fingerprint,
        warnings=[{"field": w.field, "message": w.message, "code": w.code} for w in warnings],
        **{f.key: values[f.key] for f in FIGURES if not f.drug})
    DrugSeizure.objects.bulk_create([DrugSeizure(result=result, drug=BY_KEY[k].drug, grams=values[k])
                                     for k in DRUG_KEYS if values[k] > 0])
    audit_record(action=AuditAction.CREATE, object_type="intensification.WeekResult", object_refs=[result.pk],
                 actor=actor, request=request,
                 detail={"week": week.pk, "force": force.pk, "version": version,
                         "supersedes": current.pk if current else None, "through": through,
                         "warnings": len(warnings), "figures": {k: v for k, v in values.items()}})
    return Outcome(result=result, warnings=warnings, created=True)


def _same(result: WeekResult, values: dict) -> bool:
    drugs = {s.drug: s.grams for s in result.drug_seizures.all()}
    for figure in FIGURES:
        stored = drugs.get(figure.drug, 0) if figure.drug else getattr(result, figure.key)
        if stored != values[figure.key]:
            return False
    return True


def results_upload(*, week: IntensificationWeek, force: PoliceForce, content: bytes, filename: str, actor,
                   request=None, idempotency_key: str | None = None, today: date | None = None) -> Outcome:
    """Read the results template from an upload, then check and store it as `results_submit` does.
    The file's own week and force rows, when given, must be this week and this force."""
    read = results_read(content, filename)
    problems = list(read.errors)
    if read.week is not None and read.week.value not in (None, ""):
        given = read.week.value
        given = given.date().isoformat() if hasattr(given, "date") else str(given).strip()
        if given != week.starts_on.isoformat():
            problems.append(problem_at(read.week, "week", f"This file is for the week starting {given[:20]}, not "
                                       f"{week.name} (starting {week.starts_on.isoformat()}). Download this "
                                       "week's template", "wrong_week"))
    if read.force is not None and read.force.value not in (None, ""):
        given = str(read.force.value).strip()
        if given.upper() != force.pk and given.lower() not in (force.name.lower(), force.force_name.lower()):
            problems.append(problem_at(read.force, "force", f"This file is for ‘{given[:40]}’, but you are sending "
                                       f"results for {force.force_name} ({force.pk})", "wrong_force"))
    fingerprint = hashlib.sha256(f"upload\n{force.pk}\n{filename}\n".encode() + content).hexdigest()
    return results_submit(week=week, force=force, raw=read.raw, through="upload", actor=actor, problems=problems,
                          idempotency_key=idempotency_key, fingerprint=fingerprint, filename=filename,
                          request=request, today=today)


# --- reminders --------------------------------------------------------------------------------
def results_reminders_send(*, today: date | None = None) -> list[ResultsReminder]:
    """Remind each force without results for a week whose results are due within
    REMINDER_LEAD_DAYS (and not yet past due). Once per week and force, however often it runs."""
    today = today or timezone.localdate()
    weeks = IntensificationWeek.objects.filter(results_due_on__gte=today,
                                               results_due_on__lte=today + timedelta(days=REMINDER_LEAD_DAYS),
                                               starts_on__lte=today)
    sent = []
    for week in weeks:
        reported = set(WeekResult.objects.filter(week=week).values_list("force_id", flat=True))
        reminded = set(ResultsReminder.objects.filter(week=week).values_list("force_id", flat=True))
        for force in PoliceForce.objects.exclude(pk__in=reported | reminded).order_by("name"):
            reminder = _reminder_send(week=week, force=force)
            if reminder is not None:
                sent.append(reminder)
    return sent


@transaction.atomic
def _reminder_send(*, week: IntensificationWeek, force: PoliceForce) -> ResultsReminder | None:
    from crossline.intensification.tasks import reminder_email_send

    now = timezone.now()
    try:
        with transaction.atomic():
            reminder = ResultsReminder.objects.create(week=week, force=force, sent_at=now)
    except IntegrityError:
        return None  # another run reminded this force first
    due = f"{week.results_due_on:%A} {week.results_due_on.day} {week.results_due_on:%B}"
    title = f"{week.name}: results due {week.results_due_on.day} {week.results_due_on:%B}"[:120]
    text = (f"{force.force_name}'s results for {week.name} are due by the end of {due}. They have not been "
            "received yet. Send them through the form, an upload or the API.")
    link = reverse("intensification:submit", args=[week.pk])
    recipients = reminder_recipients(force=force)
    for person in recipients:
        notice = Notice.objects.create(recipient_user=person, title=title, text=text, link=link, created_at=now)
        reminder_email_send.enqueue(notice_id=notice.pk)
    if not recipients:
        organisation = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE, police_force=force).first()
        if organisation is not None:
            Notice.objects.create(recipient_organisation=organisation, title=title, text=text, link=link,
                                  created_at=now)
    reminder.recipients = len(recipients)
    reminder.save(update_fields=["recipients"])
    audit_record(action=AuditAction.CREATE, object_type="intensification.ResultsReminder", object_refs=[reminder.pk],
                 detail={"week": week.pk, "force": force.pk, "recipients": len(recipients)})
    return reminder
