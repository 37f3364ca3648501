from django import forms

from crossline.audit.models import AuditAction, PurposeCode
from crossline.audit.services import PURPOSE_TEXT_MAX, PURPOSE_TEXT_MIN

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %m %Y"]


class PurposeForm(forms.Form):
    code = forms.ChoiceField(
        label="Why do you need to see personal data?",
        choices=PurposeCode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you need to see personal data"},
    )
    text = forms.CharField(
        label="Describe the purpose",
        help_text="For example the operation, tasking or referral it is for. Do not include personal details.",
        min_length=PURPOSE_TEXT_MIN,
        max_length=PURPOSE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Describe the purpose",
            "min_length": f"The purpose must be at least {PURPOSE_TEXT_MIN} characters",
            "max_length": f"The purpose must be {PURPOSE_TEXT_MAX} characters or fewer",
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class AuditSearchForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, input_formats=DATE_FORMATS,
                                help_text="For example, 27/3/2025",
                                error_messages={"invalid": "Enter the from date as a real date, like 27/3/2025"})
    date_to = forms.DateField(label="To", required=False, input_formats=DATE_FORMATS,
                              help_text="For example, 31/3/2025",
                              error_messages={"invalid": "Enter the to date as a real date, like 31/3/2025"})
    username = forms.CharField(label="User name contains", required=False, max_length=254)
    organisation = forms.ModelChoiceField(label="Organisation", required=False, queryset=None,
                                          empty_label="Any organisation")
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices])
    object_type = forms.CharField(label="Record type", required=False, max_length=100,
                                  help_text="For example, returns.Person")
    object_ref = forms.CharField(label="Record reference", required=False, max_length=200)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return cleaned

    def filters(self) -> dict:
        """The filters as the selector takes them (only valid once is_valid())."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def filters_for_audit(self) -> dict:
        """What was searched for, recorded with the search itself."""
        return {name: (value.pk if name == "organisation" else str(value)) for name, value in self.filters().items()}
