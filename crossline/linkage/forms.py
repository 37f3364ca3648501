from django import forms

from crossline.audit.models import PurposeCode
from crossline.linkage.models import Decision, EntityKind, ExcludedField, ExclusionCategory


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same?", choices=Decision.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the records are the same"})
    note = forms.CharField(label="Why (optional)", required=False, max_length=2_000, widget=forms.Textarea(
        attrs={"rows": 3}), help_text="What made you decide: it helps whoever reviews this pair next.")


class UndoForm(forms.Form):
    note = forms.CharField(label="Why are these not the same?", max_length=2_000, widget=forms.Textarea(
        attrs={"rows": 3}), error_messages={"required": "Say why the link is wrong"})


class ExclusionForm(forms.Form):
    field = forms.ChoiceField(label="What kind of value", choices=ExcludedField.choices, widget=forms.RadioSelect,
                              error_messages={"required": "Choose what kind of value it is"})
    given = forms.CharField(label="The value", max_length=300,
                            help_text="As returns write it: a phone number, an address, a postcode or a registration.",
                            error_messages={"required": "Enter the value"})
    category = forms.ChoiceField(label="What it is", choices=ExclusionCategory.choices,
                                 error_messages={"required": "Choose what the value is"})
    description = forms.CharField(label="Description", max_length=200,
                                  help_text="For example, Leeds Bridewell custody suite.",
                                  error_messages={"required": "Describe the value"})


class AccessRequestForm(forms.Form):
    purpose_code = forms.ChoiceField(label="Why do you need to see the records?", choices=PurposeCode.choices,
                                     error_messages={"required": "Choose a reason"})
    reason = forms.CharField(label="Explain", min_length=10, max_length=1_000, widget=forms.Textarea(
        attrs={"rows": 4}), error_messages={"required": "Explain why you need to see the records",
                                            "min_length": "Explain in at least 10 characters"})


class AccessDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label="Your decision", choices=(("yes", "Approve: show our records"),
                                                                     ("no", "Decline")),
                                     coerce=lambda value: value == "yes", widget=forms.RadioSelect,
                                     error_messages={"required": "Choose whether to approve the request"})
    note = forms.CharField(label="Note to the requester (optional)", required=False, max_length=1_000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=(("", "All"), *EntityKind.choices))


MATRICES = (("lines", "Lines exported from one force into another"), ("people", "People reported by both"),
            ("vulnerable", "Vulnerable people reported by both"), ("locations", "Locations reported by both"))


class MatrixForm(forms.Form):
    show = forms.ChoiceField(label="Show", required=False, choices=MATRICES)
