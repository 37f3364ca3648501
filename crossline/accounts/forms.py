from django import forms
from django.contrib.auth.forms import AuthenticationForm

from crossline.accounts.models import MachineClientScope
from crossline.accounts.roles import ROLE_DESCRIPTIONS, Role, roles_allowed_for


class SignInForm(AuthenticationForm):
    # One message for an unknown user, a wrong password and a suspended account, so the form
    # never tells an attacker which accounts exist.
    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "Enter a correct email address and password.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class MfaCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false", "class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the security code from your authenticator app"},
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="Add Crossline to your authenticator app, then enter the 6-digit code it shows.",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class AcceptInvitationForm(forms.Form):
    password = forms.CharField(
        label="Create a password",
        help_text="At least 15 characters. A few unrelated words make a strong password you can remember.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        label="Confirm your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter your password again"},
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The passwords do not match")
        return data


def _role_choices(kind):
    return [(r, f"{Role(r).label}: {ROLE_DESCRIPTIONS[Role(r)]}") for r in roles_allowed_for(kind)]


class InviteUserForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200,
                                error_messages={"required": "Enter the person's full name"})
    email = forms.EmailField(label="Email address", help_text="Their work email address. The invitation goes here.",
                             error_messages={"required": "Enter their email address",
                                             "invalid": "Enter an email address in the correct format, "
                                                        "like name@example.police.uk"})
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    roles = forms.MultipleChoiceField(label="Roles", widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "Select at least one role"})

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(kind)


class ChangeRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label="Roles", widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "Select at least one role"})

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(kind)


class SuspendUserForm(forms.Form):
    reason = forms.CharField(label="Why are you suspending this account?", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter why you are suspending this account"})


class MachineClientForm(forms.Form):
    name = forms.CharField(label="Name of the system", max_length=200,
                           help_text="For example, the force records management system.",
                           error_messages={"required": "Enter the name of the system"})
    scopes = forms.MultipleChoiceField(label="What it may do", widget=forms.CheckboxSelectMultiple,
                                       choices=MachineClientScope.choices,
                                       error_messages={"required": "Select at least one thing it may do"})
