import uuid
from datetime import timedelta

from django import forms

from crossline.returns.models import SubmissionStatus
from crossline.returns.safety import FORMS, MAX_UPLOAD_BYTES

MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
ACCEPTED_EXTENSIONS = ",".join(FORMS)


class ReturnUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload your return",
        help_text=f"An Excel workbook (.xlsx), a .zip of CSV files (one per sheet) or a JSON document (.json). "
                  f"The file must be smaller than {MAX_UPLOAD_MB} MB.",
        error_messages={"required": "Select your return",
                        "empty": "The selected file is empty",
                        "invalid": "Select your return"},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
    )
    # One key per upload page, so that a second click or a resent form gets the first
    # submission back rather than making another.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": "The page was incomplete. Select your return again",
        "invalid": "The page was incomplete. Select your return again"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused here, unread: the service must hold a return in memory to check it.
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MAX_UPLOAD_MB} MB")
        return upload

    def fresh_key(self) -> None:
        """Give the page a new key (the old one was used for another file)."""
        data = self.data.copy()
        data["idempotency_key"] = str(uuid.uuid4())
        self.data = data


def _period_value(start, end) -> str:
    return f"{start.isoformat()}_{end.isoformat()}"


def period_label(start, end) -> str:
    """A calendar month reads "October 2026"; any other period gives both days."""
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and (end + timedelta(days=1)).day == 1:
        return f"{start:%B %Y}"
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


class SubmissionFilterForm(forms.Form):
    force = forms.ChoiceField(label="Force", required=False)
    period = forms.ChoiceField(label="Period", required=False)
    status = forms.ChoiceField(label="Outcome", required=False,
                               choices=[("", "Any outcome"), *SubmissionStatus.choices])

    def __init__(self, *args, forces, returns, submissions=None, **kwargs):
        """`forces`: the forces whose returns the user may see (the field is dropped unless there
        are several); `returns`: the returns they may see, whose periods make the period choices,
        with those of `submissions` (attempts, rejected ones too) when given."""
        super().__init__(*args, **kwargs)
        if len(forces) < 2:
            del self.fields["force"]
        else:
            self.fields["force"].choices = [("", "All forces")] + [(force.pk, force.force_name) for force in forces]
        periods = set(returns.values_list("period_start", "period_end").distinct())
        if submissions is not None:
            periods |= set(submissions.filter(period_start__isnull=False).values_list(
                "period_start", "period_end").distinct())
        self.fields["period"].choices = [("", "Any period")] + [
            (_period_value(start, end), period_label(start, end)) for start, end in sorted(periods, reverse=True)]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        chosen = {"force": data.get("force") or None, "status": data.get("status") or None}
        if data.get("period"):
            start, end = data["period"].split("_")
            chosen["period"] = (start, end)
        return {name: value for name, value in chosen.items() if value}

