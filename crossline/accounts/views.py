
import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from crossline.accounts import services
from crossline.accounts.decorators import step_up_required
from crossline.accounts.forms import AcceptInvitationForm, EnrolForm, MfaCodeForm, SignInForm
from crossline.core.permissions import public, requires

MFA_STEP = "signed_in_awaiting_mfa"


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse(default)


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = False

    def form_invalid(self, form):
        services.sign_in_failed_record(request=self.request, username=form.data.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sign_in_record(request=self.request, user=form.get_user())
        return response

    def get_success_url(self):
        return reverse("accounts:mfa_challenge")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = "expired" in self.request.GET
        return context


sign_in = public(SignInView.as_view())


@public
@require_POST
def sign_out(request):
    services.sign_out_record(request=request)
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


@requires()
def mfa_challenge(request):
    user = request.user
    step_up = "step_up" in request.GET or "step_up" in request.POST
    if user.is_verified() and not step_up:
        return redirect(_safe_next(request))
    if not user.totpdevice_set.filter(confirmed=True).exists():
        return redirect("accounts:mfa_enrol")
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_verify(request=request, user=user, token=form.cleaned_data["code"]):
            return redirect(_safe_next(request))
        form.add_error("code", "The security code is not right, or it has already been used. "
                               "Wait for a new code and try again.")
    return render(request, "accounts/mfa_challenge.html",
                  {"form": form, "step_up": step_up, "next": request.GET.get("next", "")})


@requires()
def mfa_enrol(request):
    user = request.user
    if user.is_verified():
        # Changing the authenticator of a verified session is an MFA change: step up first.
        return redirect("accounts:my_account")
    if user.totpdevice_set.filter(confirmed=True).exists():
        return redirect("accounts:mfa_challenge")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.mfa_enrolment_confirm(request=request, user=user, token=form.cleaned_data["code"])
        if codes is not None:
            return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": True})
        form.add_error("code", "The code is not right. Check the time on your phone is correct and try again.")
    device = user.totpdevice_set.filter(confirmed=False).order_by("-id").first()
    if device is None or request.method == "GET":
        device = services.mfa_enrolment_start(user=user)
    qr = segno.make(device.config_url, error="m")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/mfa_enrol.html", {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=5, dark="#0b0c0c"),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
    })


@requires()
@step_up_required
def backup_codes(request):
    if request.method == "POST":
        codes = services.backup_codes_regenerate(request=request, user=request.user)
        return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": False})
    return render(request, "accounts/backup_codes_confirm.html")


@requires()
def my_account(request):
    user = request.user
    remaining = user.backup_codes.filter(used_at__isnull=True).count()
    return render(request, "accounts/my_account.html", {"account": user, "backup_codes_remaining": remaining})


@public
def invitation_accept(request, token):
    if request.user.is_authenticated:
        logout(request)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(request=request, token=token, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, "Your password is set. Sign in, then set up your authenticator app.")
            return redirect("accounts:sign_in")
    return render(request, "accounts/invitation_accept.html", {"form": form})
