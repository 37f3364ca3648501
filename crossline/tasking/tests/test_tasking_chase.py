"""Overdue taskings are chased in the service and by e-mail, once however often the chase runs,
then again a week later while still overdue; deconfliction tells two organisations working on
the same line (or a person or place tied to it) about each other, once."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from crossline.compliance.models import Notice
from crossline.tasking import services
from crossline.tasking.chase import tasking_chase
from crossline.tasking.models import DeconflictionNotice, EventKind, TaskingChase
from crossline.tasking.tests.conftest import run_queued_emails

pytestmark = pytest.mark.django_db


def _set(coordinator, lines, owners, *, due_in=3):
    return services.tasking_create(
        actor=coordinator, title="Close JAY", lines=lines, owners=owners, objective="close_line", priority="high",
        due_date=timezone.localdate() + timedelta(days=due_in),
        instructions="Seize the deal phone and charge the line holder.")


def _chase_at(days: int):
    with freeze_time(timezone.now() + timedelta(days=days)):
        return tasking_chase()


def test_an_overdue_tasking_is_chased_once_then_weekly(lines, national_coordinator, wy_analyst, west_yorkshire_police):
    tasking = _set(national_coordinator, [lines.lonely], [west_yorkshire_police])  # nobody else on it
    run_queued_emails()
    mail.outbox.clear()
    assert _chase_at(3).chased == []  # due today: not overdue yet
    first = _chase_at(4)
    again = _chase_at(4)
    assert [chase.owner.organisation for chase in first.chased] == [west_yorkshire_police]
    assert again.chased == []
    notice = Notice.objects.get(recipient_user=wy_analyst, title__contains="overdue")
    assert notice.title == f"Tasking {tasking.reference} is 1 day overdue"
    assert run_queued_emails() == 1
    assert mail.outbox[0].subject == f"Crossline: {notice.title}"
    assert _chase_at(8).chased == []
    assert len(_chase_at(11).chased) == 1  # a week after the first chase
    assert TaskingChase.objects.count() == 2
    assert tasking.events.filter(kind=EventKind.CHASED).count() == 2


def test_a_completed_or_declined_owner_is_not_chased(lines, national_coordinator, wy_analyst, ny_analyst,
                                                     west_yorkshire_police, north_yorkshire_police):
    tasking = _set(national_coordinator, [lines.jay], [west_yorkshire_police, north_yorkshire_police])
    services.tasking_respond(actor=ny_analyst, tasking=tasking, accept=False,
                             reason="Tasked to the regional unit already; see Operation Fern.")
    services.tasking_respond(actor=wy_analyst, tasking=tasking, accept=True)
    chased = _chase_at(5).chased
    assert [chase.owner.organisation for chase in chased] == [west_yorkshire_police]


def test_the_command_chases_and_says_what_it_did(lines, national_coordinator, west_yorkshire_police):
    tasking = _set(national_coordinator, [lines.lonely], [west_yorkshire_police], due_in=0)
    out = io.StringIO()
    with freeze_time(timezone.now() + timedelta(days=2)):
        call_command("tasking", "chase", stdout=out)
        call_command("tasking", "chase", stdout=out)
    text = out.getvalue()
    assert text.count(f"chased West Yorkshire Police on {tasking.reference}") == 1
    assert text.splitlines()[-1].endswith("overdue taskings chased: 0; deconfliction notices: 0.")


def test_two_organisations_on_the_same_line_are_told_once(lines, national_coordinator, wy_analyst, ny_analyst,
                                                          west_yorkshire_police, north_yorkshire_police,
                                                          merseyside_police):
    """West Yorkshire is tasked on JAY; North Yorkshire reported JAY in a return this month, and
    Merseyside reported the trap house JAY uses."""
    tasking = _set(national_coordinator, [lines.jay], [west_yorkshire_police], due_in=30)
    first = tasking_chase().deconflictions
    by_other = {({n.first_organisation_id, n.second_organisation_id} - {west_yorkshire_police.pk}).pop(): n
                for n in first}
    assert set(by_other) == {north_yorkshire_police.pk, merseyside_police.pk}
    notice = by_other[north_yorkshire_police.pk]
    assert {"kind": "line", "entity": lines.jay.pk} in notice.shared_entities
    assert [item["kind"] for item in by_other[merseyside_police.pk].shared_entities] == ["location"]
    assert notice.line_id == lines.jay.pk
    assert tasking_chase().deconflictions == []  # once
    wy_notice = Notice.objects.get(recipient_user=wy_analyst, title__startswith="Deconfliction",
                                   title__contains="North Yorkshire")
    ny_notice = Notice.objects.get(recipient_user=ny_analyst, title__startswith="Deconfliction")
    assert "North Yorkshire Police: reported in a national return accepted on" in wy_notice.text
    assert f"meet on line {lines.jay.pk}, 1 person tied to it." in wy_notice.text  # Kai, whom both report
    assert f"has a live tasking ({tasking.reference})" in ny_notice.text
    assert wy_notice.link == ny_notice.link == f"/tasking/deconfliction/{notice.pk}"
    # The new tasking to West Yorkshire, then deconfliction: West Yorkshire twice, North Yorkshire once
    # (nobody at Merseyside works taskings yet: the notice waits for the organisation).
    assert run_queued_emails() == 4
    assert Notice.objects.filter(recipient_organisation=merseyside_police).count() == 1
    assert tasking.events.filter(kind=EventKind.DECONFLICTION).count() == 2  # one per pair told


def test_co_owners_of_one_tasking_are_not_told_about_each_other(lines, national_coordinator, west_yorkshire_police,
                                                                north_yorkshire_police):
    _set(national_coordinator, [lines.jay], [west_yorkshire_police, north_yorkshire_police], due_in=30)
    pairs = {frozenset((n.first_organisation_id, n.second_organisation_id)) for n in tasking_chase().deconflictions}
    assert frozenset((west_yorkshire_police.pk, north_yorkshire_police.pk)) not in pairs
    assert len(pairs) == 2  # each is told of Merseyside, which reported JAY's trap house


def test_lines_sharing_a_place_bring_their_owners_together(lines, national_coordinator, west_yorkshire_police,
                                                           merseyside_police, my_analyst):
    """JAY (West Yorkshire's tasking) and DEX (Merseyside's) use the same trap house."""
    jay = _set(national_coordinator, [lines.lonely], [west_yorkshire_police], due_in=30)
    assert tasking_chase().deconflictions == []  # BOX shares nothing with anyone
    services.tasking_cancel(actor=national_coordinator, tasking=jay, reason="Wrong line chosen, setting again.")
    _set(national_coordinator, [lines.jay], [west_yorkshire_police], due_in=30)
    _set(national_coordinator, [lines.dex], [merseyside_police], due_in=30)
    found = tasking_chase().deconflictions
    pairs = {frozenset((n.first_organisation_id, n.second_organisation_id)) for n in found}
    assert frozenset((west_yorkshire_police.pk, merseyside_police.pk)) in pairs
    shared = next(n for n in found if {n.first_organisation_id, n.second_organisation_id}
                  == {west_yorkshire_police.pk, merseyside_police.pk})
    assert any(item["kind"] == "location" for item in shared.shared_entities)
    assert Notice.objects.filter(recipient_user=my_analyst, title__contains="West Yorkshire Police").exists()
    assert tasking_chase().deconflictions == []
    assert DeconflictionNotice.objects.filter(pk=shared.pk).count() == 1


def test_old_returns_are_not_recent_activity(lines, national_coordinator, west_yorkshire_police, settings):
    settings.TASKING_RECENT_ACTIVITY_DAYS = 60
    _set(national_coordinator, [lines.jay], [west_yorkshire_police], due_in=90)
    with freeze_time(timezone.now() + timedelta(days=61)):
        assert tasking_chase().deconflictions == []


def test_a_chase_that_dies_part_way_sends_the_rest_next_time(lines, national_coordinator, wy_analyst,
                                                             west_yorkshire_police, monkeypatch):
    """The chase row, its notices and its queued e-mails commit together: a failure leaves none of
    them, and the next run sends the chase once."""
    from crossline.tasking import chase as chase_module

    _set(national_coordinator, [lines.lonely], [west_yorkshire_police])
    real_notify = chase_module.notify

    def notify_then_die(**kwargs):
        real_notify(**kwargs)
        raise ConnectionError("the worker died here")

    monkeypatch.setattr(chase_module, "notify", notify_then_die)
    with pytest.raises(ConnectionError):
        _chase_at(5)
    assert not TaskingChase.objects.exists()
    assert not Notice.objects.filter(title__contains="overdue").exists()
    monkeypatch.setattr(chase_module, "notify", real_notify)
    assert len(_chase_at(5).chased) == 1
    assert len(_chase_at(5).chased) == 0
    assert Notice.objects.filter(recipient_user=wy_analyst, title__contains="overdue").count() == 1
