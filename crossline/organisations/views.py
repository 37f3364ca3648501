from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from crossline.accounts import services as account_services
from crossline.accounts.forms import ChangeRolesForm, InviteUserForm, MachineClientForm, SuspendUserForm
from crossline.accounts.roles import MANAGE_MACHINE_CLIENTS, MANAGE_USERS
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.permissions import requires
from crossline.organisations.selectors import machine_clients_visible_to, users_visible_to


def _form_error(form, error: ValidationError, field=None):
    for message in error.messages:
        form.add_error(field, message)


@requires(MANAGE_USERS)
def users(request):
    query = request.GET.get("q", "").strip()
    people = users_visible_to(user=request.user)
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    with transaction.atomic():
        audit_record(action=AuditAction.SEARCH if query else AuditAction.VIEW, object_type="accounts.User",
                     object_refs=[str(u.pk) for u in page.object_list], request=request,
                     detail={"list": "organisation users", "query": query})
    return render(request, "organisations/users.html", {"page": page, "query": query})


@requires()
def user_detail(request, pk):
    person = get_object_or_404(users_visible_to(user=request.user), pk=pk)
    with transaction.atomic():
        audit_record(action=AuditAction.VIEW, object_type="accounts.User", object_refs=[str(person.pk)],
                     request=request)
    return render(request, "organisations/user_detail.html", {
        "person": person,
        "can_manage": request.user.has_perm(MANAGE_USERS) and person.pk != request.user.pk,
    })


@requires(MANAGE_USERS)
def user_invite(request):
    form = InviteUserForm(request.POST or None, kind=request.user.organisation.kind)
    if request.method == "POST" and form.is_valid():
        try:
            person = account_services.user_invite(request=request, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error, "email")
        else:
            messages.success(request, f"Invitation sent to {person.email}.")
            return redirect("organisations:user", pk=person.pk)
    return render(request, "organisations/user_invite.html", {"form": form})


@requires(MANAGE_USERS)
def user_roles(request, pk):
    person = get_object_or_404(users_visible_to(user=request.user), pk=pk)
    form = ChangeRolesForm(request.POST or None, kind=person.organisation.kind,
                           initial={"roles": sorted(person.roles)})
    if request.method == "POST" and form.is_valid():
        try:
            account_services.user_change_roles(request=request, by=request.user, user=person,
                                               roles=form.cleaned_data["roles"])
        except ValidationError as error:
            _form_error(form, error, "roles")
        else:
            messages.success(request, f"Roles changed for {person.full_name}.")
            return redirect("organisations:user", pk=person.pk)
    return render(request, "organisations/user_roles.html", {"form": form, "person": person})


@requires(MANAGE_USERS)
def user_suspend(request, pk):
    person = get_object_or_404(users_visible_to(user=request.user), pk=pk)
    form = SuspendUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.user_suspend(request=request, by=request.user, user=person,
                                          reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_error(form, error, "reason")
        else:
            messages.success(request, f"{person.full_name} is suspended and has been signed out everywhere.")
            return redirect("organisations:user", pk=person.pk)
    return render(request, "organisations/user_suspend.html", {"form": form, "person": person})


@requires(MANAGE_USERS)
@require_POST
def user_reactivate(request, pk):
    person = get_object_or_404(users_visible_to(user=request.user), pk=pk)
    account_services.user_reactivate(request=request, by=request.user, user=person)
    messages.success(request, f"{person.full_name} can sign in again.")
    return redirect("organisations:user", pk=person.pk)


@requires(MANAGE_MACHINE_CLIENTS)
def machine_clients(request):
    form = MachineClientForm(request.POST or None)
    token = None
    if request.method == "POST" and form.is_valid():
        try:
            client, token = account_services.machine_client_create(request=request, by=request.user,
                                                                   **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error, "scopes")
        else:
            form = MachineClientForm()
    return render(request, "organisations/machine_clients.html", {
        "form": form, "token": token, "clients": machine_clients_visible_to(user=request.user),
    })


@requires(MANAGE_MACHINE_CLIENTS)
@require_POST
def machine_client_revoke(request, pk):
    client = get_object_or_404(machine_clients_visible_to(user=request.user), pk=pk)
    account_services.machine_client_revoke(request=request, by=request.user, client=client)
    messages.success(request, f"The token for {client.name} no longer works.")
    return redirect("organisations:machine_clients")
