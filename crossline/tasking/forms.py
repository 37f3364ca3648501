"""Tasking forms. Messages follow the GOV.UK Design System; the services check everything again."""

import re

from django import forms
from django.core.exceptions import ValidationError

from crossline.placements.forms import GovukDateField
from crossline.tasking.models import ClosureType, NominationKind, Objective, TaskingPriority

MAX_LINES = 50


def _radios(label: str, choices, missing: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect,
                             error_messages={"required": missing, "invalid_choice": missing}, **kwargs)


def _text(label: str, missing: str, *, required: bool = True, max_length: int = 4000, help_text: str = "",
          rows: int = 5) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}), error_messages={
                               "required": missing,
                               "max_length": f"{label.removesuffix(' (optional)')} must be {max_length} "
                                             "characters or fewer"})


def parse_line_numbers(value: str) -> list[int]:
    """ "12, 40 57" -> [12, 40, 57]: the line numbers Crossline shows on crossover and priority pages."""
    parts = [part for part in re.split(r"[\s,;]+", value or "") if part]
    if not parts:
        raise ValidationError("Enter at least one line number")
    numbers = []
    for part in parts:
        part = part.removeprefix("line").removeprefix("Line").strip()
        if not part.isascii() or not part.isdigit() or len(part) > 12:
            raise ValidationError(f"“{part[:20]}” is not a line number: enter numbers like 1042, separated by commas")
        numbers.append(int(part))
    if len(set(numbers)) > MAX_LINES:
        raise ValidationError(f"A tasking covers at most {MAX_LINES} lines")
    return sorted(set(numbers))


class LineNumbersField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return parse_line_numbers(value)


class TaskingForm(forms.Form):
    title = forms.CharField(label="Title", max_length=150, help_text="For example, the line's name and what is "
                            "wanted. Owners see it in their list and in e-mails.",
                            error_messages={"required": "Enter a title",
                                            "max_length": "Title must be 150 characters or fewer"})
    lines = LineNumbersField(label="Line or network", max_length=800,
                             help_text="The line numbers, separated by commas. Several lines make a network.",
                             error_messages={"required": "Enter at least one line number"})
    owners = forms.MultipleChoiceField(label="Owners", widget=forms.CheckboxSelectMultiple,
                                       help_text="Each owner accepts or declines for itself.",
                                       error_messages={"required": "Choose at least one owner",
                                                       "invalid_choice": "Choose owners from the list"})
    objective = _radios("Objective", Objective.choices, "Choose the objective")
    priority = _radios("Priority", TaskingPriority.choices, "Choose the priority")
    due_date = GovukDateField(label="Due date", name_in_errors="Due date", help_text="For example, 27 3 2027")
    instructions = _text("Instructions", "Enter the instructions",
                         help_text="What the owners should do, what is known, who to contact. Do not paste "
                                   "intelligence the owners may not hold.", rows=6)

    def __init__(self, *args, owners=(), reporting=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The forces that report the lines come first: they are the likely owners.
        reporting = set(reporting)
        ordered = sorted(owners, key=lambda org: (org.police_force_id not in reporting, owners.index(org)))
        self.fields["owners"].choices = [
            (str(org.pk), f"{org.name} (reports the line)" if org.police_force_id in reporting else org.name)
            for org in ordered]
        self.fields["owners"].widget.attrs["class"] = "govuk-checkboxes--small"


class RespondForm(forms.Form):
    answer = _radios("Will your organisation take this tasking on?",
                     [("accept", "Yes, accept it"), ("decline", "No, decline it")], "Choose whether you accept it")
    reason = _text("Reason or note", "Enter why you are declining", required=False, max_length=4000,
                   help_text="Required when you decline: the co-ordinator reads it.", rows=3)

    def clean(self):
        data = super().clean()
        if data.get("answer") == "decline" and len((data.get("reason") or "").strip()) < 10:
            self.add_error("reason", "Enter why you are declining (at least 10 characters)")
        return data


class UpdateForm(forms.Form):
    text = _text("Update", "Enter the update", help_text="What has been done, found or planned.", rows=4)


class CompleteForm(forms.Form):
    closure_type = _radios("Was the line closed?", ClosureType.choices, "Choose whether the line was closed")
    arrests = forms.IntegerField(label="Arrests", min_value=0, max_value=100_000, error_messages={
        "required": "Enter the number of arrests (0 if none)", "invalid": "Arrests must be a whole number",
        "min_value": "Arrests must be 0 or more", "max_value": "Arrests must be 100,000 or fewer"})
    charges = forms.IntegerField(label="Charges", min_value=0, max_value=100_000, error_messages={
        "required": "Enter the number of people charged (0 if none)", "invalid": "Charges must be a whole number",
        "min_value": "Charges must be 0 or more", "max_value": "Charges must be 100,000 or fewer"})
    safeguarding_referrals = forms.IntegerField(label="Safeguarding referrals", min_value=0, max_value=100_000,
                                                error_messages={
                                                    "required": "Enter the number of safeguarding referrals (0 if none)",
                                                    "invalid": "Safeguarding referrals must be a whole number",
                                                    "min_value": "Safeguarding referrals must be 0 or more",
                                                    "max_value": "Safeguarding referrals must be 100,000 or fewer"})
    nrm_referrals = forms.IntegerField(label="National Referral Mechanism (NRM) referrals", min_value=0,
                                       max_value=100_000, error_messages={
                                           "required": "Enter the number of NRM referrals (0 if none)",
                                           "invalid": "NRM referrals must be a whole number",
                                           "min_value": "NRM referrals must be 0 or more",
                                           "max_value": "NRM referrals must be 100,000 or fewer"})
    summary = _text("What was achieved", "Describe what was achieved",
                    help_text="Seizures, disruption, safeguarding: what the co-ordinator should know.", rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("arrests", "charges", "safeguarding_referrals", "nrm_referrals"):
            self.fields[name].widget.attrs.update({"class": "govuk-input--width-4", "inputmode": "numeric"})
            self.fields[name].widget.input_type = "text"


class CancelForm(forms.Form):
    reason = _text("Why are you cancelling it?", "Enter why the tasking is cancelled", rows=3)


class NominationForm(forms.Form):
    line = forms.IntegerField(label="Line number", min_value=1, help_text="As Crossline shows it, for example 1042.",
                              error_messages={"required": "Enter the line number",
                                              "invalid": "Enter the line number, for example 1042",
                                              "min_value": "Enter the line number, for example 1042"})
    kind = _radios("What are you asking for?", NominationKind.choices, "Choose what you are asking for")
    rationale = _text("Why does this line matter?", "Enter why this line matters",
                      help_text="The harm you see, for example children exploited, violence, cuckooing; what "
                                "the score may not show; what help you need.", rows=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].widget.input_type = "text"
        self.fields["line"].widget.attrs.update({"class": "govuk-input--width-10", "inputmode": "numeric"})


class DecisionForm(forms.Form):
    decision = _radios("Your decision", [("agree", "Agree"), ("decline", "Decline")], "Choose agree or decline")
    reason = _text("Reason", "Enter the reason for your decision", help_text="The force reads it.", rows=4)


class MeetingForm(forms.Form):
    region = forms.ChoiceField(label="Meeting", error_messages={"required": "Choose the meeting",
                                                                 "invalid_choice": "Choose the meeting"})
    held_on = GovukDateField(label="Date of the meeting", name_in_errors="Date of the meeting",
                             help_text="For example, 3 12 2026")

    def __init__(self, *args, regions=(), national=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("national", "National tasking meeting")] if national else []
        choices += [(region.pk, f"{region.name} regional tasking meeting") for region in regions]
        self.fields["region"].choices = choices
        self.fields["region"].widget = forms.RadioSelect(choices=choices)
