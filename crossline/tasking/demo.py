"""Demonstration taskings, nominations and a tasking meeting, made through the real services.

Needs the demo cast (`crossline demo load`), the demo returns, and a resolution run (`crossline
resolve --full`: taskings are for line entities). Refused in production; loading twice adds nothing.

- The national centre tasked West Yorkshire Police to disrupt the busiest line West Yorkshire and
  North Yorkshire both report; West Yorkshire accepted and posted an update.
- Yorkshire and the Humber ROCU tasked North Yorkshire Police to safeguard the children on another
  line; it is three days overdue and nobody has answered (the chase finds it).
- The national centre tasked Merseyside Police to close a Merseyside line; it is completed, with
  outcomes, for the meeting pack's results.
- West Yorkshire asked for regional support for a small line; North Yorkshire's nomination of a
  line as a local priority was agreed by the ROCU, with its reason.
- A national tasking meeting two weeks ago, so the next pack starts from it.
Then the chase runs once, so the overdue and deconfliction notices are waiting.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from crossline.accounts.models import User
from crossline.linkage.models import Entity
from crossline.organisations.selectors import force_organisation
from crossline.tasking import services
from crossline.tasking.chase import tasking_chase
from crossline.tasking.models import Nomination, Tasking

WEST_YORKSHIRE, NORTH_YORKSHIRE, MERSEYSIDE = "E23000010", "E23000009", "E23000004"
NATIONAL = "coordinator@nclcc.demo"
REGIONAL = "coordinator@yhrocu.demo"
WY_ANALYST = "analyst@westyorkshire.demo"
NY_ANALYST = "analyst@northyorkshire.demo"
MY_ANALYST = "analyst@merseyside.demo"
TITLES = ("Disrupt “{name}” into North Yorkshire", "Safeguard the children running for “{name}”",
          "Close the line “{name}”")
FIRST_INSTRUCTIONS = ("Reported by West Yorkshire and North Yorkshire. Identify the line holder in Leeds, attribute the "
                      "deal number and disrupt supply into Harrogate and Selby. Safeguard any child found running "
                      "for the line and refer to the NRM.")


def _refuse_in_production():
    if settings.PRODUCTION or not settings.CROSSLINE_DEMO:
        raise ImproperlyConfigured("Demo taskings exist only in a demonstration (CROSSLINE_DEMO=1, not production).")


def _lines_reported_by(*codes: str, exclude=()) -> list[Entity]:
    lines = [entity for entity in Entity.objects.filter(kind="line", is_active=True).order_by("-member_count", "id")
             if set(codes) <= set(entity.force_codes or []) and entity.pk not in exclude]
    return lines


def _name(user, entity: Entity) -> str:
    from crossline.tasking.scores import line_labels

    return line_labels(user=user, entity_ids=[entity.pk])[entity.pk]


def tasking_demo_load(*, progress=print) -> dict[str, int]:
    _refuse_in_production()
    if Tasking.objects.filter(instructions=FIRST_INSTRUCTIONS).exists():
        progress("Demo taskings are already loaded.")
        return {"taskings": 0, "nominations": 0}
    people = {user.email: user for user in User.objects.filter(
        email__in=[NATIONAL, REGIONAL, WY_ANALYST, NY_ANALYST, MY_ANALYST])}
    if len(people) < 5:
        raise ImproperlyConfigured("Load the demo cast first: crossline demo load.")
    crossing = _lines_reported_by(WEST_YORKSHIRE, NORTH_YORKSHIRE)
    if not crossing:
        raise ImproperlyConfigured("No line entities yet: load the demo returns and run `crossline resolve --full`.")
    national, regional = people[NATIONAL], people[REGIONAL]
    wy, ny, my = (force_organisation(code) for code in (WEST_YORKSHIRE, NORTH_YORKSHIRE, MERSEYSIDE))
    now = timezone.now()
    used: set[int] = set()

    # 1. Set ten days ago, accepted, one update.
    line = crossing[0]
    used.add(line.pk)
    first = services.tasking_create(
        actor=national, title=TITLES[0].format(name=_name(national, line)), lines=[line], owners=[wy],
        objective="disrupt", priority="high", due_date=timezone.localdate(now + timedelta(days=4)),
        instructions=FIRST_INSTRUCTIONS,
        now=now - timedelta(days=10))
    services.tasking_respond(actor=people[WY_ANALYST], tasking=first, accept=True, now=now - timedelta(days=9),
                             reason="Allocated to Operation Fern's team.")
    services.tasking_update(actor=people[WY_ANALYST], tasking=first, now=now - timedelta(days=3),
                            text="Deal number attributed to a handset in Chapeltown. Test purchases in Harrogate "
                                 "planned for next week with North Yorkshire.")
    made = 1

    # 2. Set three weeks ago by the ROCU, due three days ago, not answered: overdue.
    region_lines = _lines_reported_by(NORTH_YORKSHIRE, exclude=used)
    if region_lines:
        line = region_lines[0]
        used.add(line.pk)
        services.tasking_create(
            actor=regional, title=TITLES[1].format(name=_name(regional, line)), lines=[line], owners=[ny],
            objective="safeguard", priority="high", due_date=timezone.localdate(now - timedelta(days=3)),
            instructions="Two looked-after children are reported running for this line. Joint visits with "
                         "North Yorkshire Council children's services; missing-episode return interviews.",
            now=now - timedelta(days=21))
        made += 1

    # 3. Completed by Merseyside twelve days ago.
    merseyside_lines = _lines_reported_by(MERSEYSIDE, exclude=used)
    if merseyside_lines:
        line = merseyside_lines[0]
        used.add(line.pk)
        closed = services.tasking_create(
            actor=national, title=TITLES[2].format(name=_name(national, line)), lines=[line], owners=[my],
            objective="close_line", priority="medium", due_date=timezone.localdate(now - timedelta(days=10)),
            instructions="Charge the line holder and deactivate the deal number.", now=now - timedelta(days=40))
        services.tasking_respond(actor=people[MY_ANALYST], tasking=closed, accept=True, now=now - timedelta(days=39))
        services.tasking_complete(actor=people[MY_ANALYST], tasking=closed, now=now - timedelta(days=12),
                                  outcomes=services.Outcomes(
                                      closure_type="type1", arrests=6, charges=4, safeguarding_referrals=3,
                                      nrm_referrals=2,
                                      summary="Warrants at three addresses in Kirkby; 240 g crack cocaine and "
                                              "£3,400 seized; line holder charged; three children safeguarded."))
        made += 1

    # 4. Nominations: one waiting, one agreed.
    nominations = 0
    wy_small = sorted(_lines_reported_by(WEST_YORKSHIRE, exclude=used), key=lambda entity: (entity.member_count,
                                                                                              entity.pk))
    if wy_small:
        used.add(wy_small[0].pk)
        services.nomination_create(
            actor=people[WY_ANALYST], line=wy_small[0], kind="regional_support", now=now - timedelta(days=2),
            rationale="Small line, but it runs a 14-year-old from Leeds into Wakefield and he has gone missing "
                      "twice this month. We need the ROCU's surveillance team for two weeks.")
        nominations += 1
    ny_lines = _lines_reported_by(NORTH_YORKSHIRE, exclude=used)
    if ny_lines:
        nomination = services.nomination_create(
            actor=people[NY_ANALYST], line=ny_lines[-1], kind="local_priority", now=now - timedelta(days=6),
            rationale="Cuckooing of two vulnerable adults in Scarborough; the score does not yet show it because "
                      "our last return missed the addresses.")
        services.nomination_decide(actor=regional, nomination=nomination, agree=True, now=now - timedelta(days=5),
                                   reason="Agreed as a North Yorkshire local priority; the ROCU will review it at "
                                          "the next regional meeting.")
        nominations += 1

    # 5. Last national meeting two weeks ago; then the chase, as the timer would run it.
    services.meeting_create(actor=national, region=None, held_on=timezone.localdate(now - timedelta(days=14)),
                            now=now - timedelta(days=14))
    run = tasking_chase()
    progress(f"Demo taskings: {made} taskings, {nominations} nominations; chased {len(run.chased)}, "
             f"deconfliction notices {len(run.deconflictions)}.")
    return {"taskings": made, "nominations": nominations, "chased": len(run.chased),
            "deconflictions": len(run.deconflictions), "all_nominations": Nomination.objects.count()}
