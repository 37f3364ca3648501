"""Demonstration intensification weeks: three past weeks with results from most forces (a few
late, a few corrected), and one open week that some forces have already reported on.

Figures are synthetic, scaled by the size of each force (its number of councils), and go
through `results_submit` like any other results, so they are checked and audited. Safe to run
again: a week or a force's results that exist are left as they are.
"""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.utils import timezone

from crossline.accounts.models import MachineClient, MachineClientScope, User
from crossline.accounts.roles import Role
from crossline.intensification.figures import FIGURES
from crossline.intensification.models import IntensificationWeek, WeekResult
from crossline.intensification.services import results_submit, week_open
from crossline.intensification.validate import Raw
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce

SEED = 5
# (weeks before this one, name, focus)
PAST = [
    (12, "County Lines Intensification Week, {month}", "Safeguarding children who go missing from care."),
    (8, "County Lines Intensification Week, {month}", "Cuckooed addresses and the adults exploited in them."),
    (4, "County Lines Intensification Week, {month}", "Railway stations and coach routes, with British Transport "
     "Police."),
]
OPEN_FOCUS = "Closing lines that exploit children, and NRM referrals for every child found."
DRUG_SHARE = {"crack_cocaine": 0.9, "heroin": 0.8, "cocaine": 0.5, "cannabis": 1.6, "ketamine": 0.1, "mdma": 0.1,
              "spice": 0.05, "other": 0.05}


SCOPE = MachineClientScope.INTENSIFICATION_SUBMIT.value


def _client(organisation: Organisation) -> MachineClient:
    token = f"cl_demo_{organisation.slug}"  # never used to call the API: the loader acts directly
    client, _ = MachineClient.objects.get_or_create(
        organisation=organisation, name="Records system (demo)",
        defaults={"scopes": ["returns:submit", "returns:read", SCOPE], "token_prefix": token[:10],
                  "token_hash": MachineClient.hash_token(token), "expires_at": timezone.now() + timedelta(days=365)})
    if SCOPE not in client.scopes:  # the returns demo may have made the force's client already
        client.scopes = sorted({*client.scopes, SCOPE})
        client.save(update_fields=["scopes"])
    return client


def _figures(rng: random.Random, size: float) -> dict[str, Raw]:
    arrests = max(0, round(rng.gauss(6 * size, 2 * size)))
    charges = max(0, round(arrests * rng.uniform(0.4, 0.9)))
    children = max(0, round(rng.gauss(3 * size, size)))
    adults = max(0, round(rng.gauss(2 * size, size)))
    values = {
        "arrests": arrests, "charges": charges,
        "cash_seized_gbp": f"{rng.uniform(800, 6000) * size:.2f}",
        "weapons_firearms": rng.choice([0, 0, 0, 1]) if size < 4 else rng.randint(0, 3),
        "weapons_bladed": max(0, round(rng.gauss(2 * size, size))),
        "weapons_other": rng.randint(0, max(1, round(size))),
        "safeguarded_children": children, "safeguarded_adults": adults,
        "nrm_referrals": min(children + adults, max(0, round(children * rng.uniform(0.3, 0.9)))),
        "cuckooed_addresses_visited": max(0, round(rng.gauss(5 * size, 2 * size))),
        "lines_closed_type_1": min(charges, max(0, round(rng.gauss(1.2 * size, 0.6 * size)))),
        "lines_closed_type_2": max(0, round(rng.gauss(0.8 * size, 0.5 * size))),
    }
    for figure in FIGURES:
        if figure.drug:
            grams = rng.uniform(0, 120) * size * DRUG_SHARE[figure.drug]
            values[figure.key] = f"{grams:.1f}" if grams > 5 else ""
    return {key: Raw(value) for key, value in values.items()}


def _monday(day):
    return day - timedelta(days=day.weekday())


def intensification_demo_load() -> list[IntensificationWeek]:
    if settings.PRODUCTION or not settings.CROSSLINE_DEMO:
        raise ImproperlyConfigured("Demo intensification weeks exist only in a demonstration (CROSSLINE_DEMO=1).")
    today = timezone.localdate()
    this_monday = _monday(today)
    opener = (User.objects.filter(organisation__kind=OrganisationKind.NATIONAL_CENTRE,
                                  role_grants__role=Role.COORDINATOR).order_by("pk").first())
    forces = list(PoliceForce.objects.annotate(councils=Count("local_authorities")).order_by("name"))
    organisations = {o.police_force_id: o for o in Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)}
    weeks = []
    plans = [(this_monday - timedelta(weeks=ago), name, focus, 0.9) for ago, name, focus in PAST]
    plans.append((this_monday, "County Lines Intensification Week, {month}", OPEN_FOCUS, 0.3))
    for starts_on, name, focus, share in plans:
        ends_on = starts_on + timedelta(days=6)
        name = name.format(month=f"{starts_on:%B %Y}")
        week = IntensificationWeek.objects.filter(name=name).first() or week_open(
            name=name, starts_on=starts_on, ends_on=ends_on, results_due_on=ends_on + timedelta(days=3), focus=focus,
            opened_by=None)
        if opener is not None and week.opened_by_id is None:
            IntensificationWeek.objects.filter(pk=week.pk).update(opened_by=opener)
        weeks.append(week)
        is_open = starts_on == this_monday
        for force in forces:
            # One generator per week and force, so that a second run makes the same choices.
            rng = random.Random(f"{SEED}/{week.name}/{force.pk}")  # noqa: S311 - synthetic data
            rng_draw = rng.random()
            organisation = organisations.get(force.pk)
            if organisation is None or rng_draw > share:
                continue
            if WeekResult.objects.filter(week=week, force=force).exists():
                continue
            size = max(1.0, force.councils / 3) if force.councils else 2.0
            client = _client(organisation)
            outcome = results_submit(week=week, force=force, raw=_figures(rng, size), through="api", actor=client,
                                     today=today)
            if not outcome.ok:  # never expected: say which figure the generator got wrong
                raise ValueError(f"Demo results for {force.pk} rejected: {outcome.errors[0].message}")
            late = not is_open and rng.random() < 0.08
            sent_on = week.results_due_on + timedelta(days=2) if late else ends_on + timedelta(days=rng.randint(0, 2))
            if is_open:
                sent_on = min(today, starts_on + timedelta(days=rng.randint(0, 3)))
            when = timezone.make_aware(datetime.combine(sent_on, time(rng.randint(8, 17), rng.randint(0, 59))))
            WeekResult.objects.filter(pk=outcome.result.pk).update(submitted_at=min(when, timezone.now()))
            if not is_open and rng.random() < 0.1:  # a correction: the force sends its results again
                corrected = _figures(rng, size)
                again = results_submit(week=week, force=force, raw=corrected, through="api", actor=client,
                                       today=today)
                if again.ok and again.created:
                    WeekResult.objects.filter(pk=again.result.pk).update(
                        submitted_at=min(when + timedelta(days=1), timezone.now()))
    return weeks
