"""The question pages and the host force's forms. Messages follow the GOV.UK Design System."""

from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from crossline.placements.details import nhs_number_normalise, postcode_normalise
from crossline.placements.models import Gender, LegalStatus, PlacementType, Risk


class DateWidget(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes, posted as <name>_day, <name>_month, <name>_year."""

    def __init__(self, attrs=None):
        super().__init__({"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()}, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date from three boxes, with the GOV.UK messages for each way it can be wrong."""

    widget = DateWidget

    def __init__(self, *, name_in_errors: str, past_only: bool = False, **kwargs):
        self.name_in_errors = name_in_errors  # "Date of birth"
        kwargs.setdefault("error_messages", {"required": f"Enter the {name_in_errors.lower()}"})
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_python(self, value):
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        if not any(parts):
            return None
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"{self.name_in_errors} must include a {' and a '.join(missing)}")
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(f"{self.name_in_errors} must be a real date")
        if len(parts[2]) != 4:
            raise ValidationError("Year must include 4 numbers")
        day, month, year = (int(part) for part in parts)
        try:
            value = date(year, month, day)
        except ValueError:
            raise ValidationError(f"{self.name_in_errors} must be a real date") from None
        if self.past_only and value > timezone.localdate():
            raise ValidationError(f"{self.name_in_errors} must be today or in the past")
        return value


def _text(label: str, missing: str, *, required: bool = True, max_length: int = 200, help_text: str = "",
          textarea: bool = False, **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 4, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=widget, error_messages={
                               "required": missing,
                               "max_length": f"{label.removesuffix(' (optional)')} must be {max_length} "
                                             "characters or fewer"})


def _radios(label: str, choices, missing: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect,
                             error_messages={"required": missing, "invalid_choice": missing}, **kwargs)


LONG = 5000


class ChildForm(forms.Form):
    child_forenames = _text("First names", "Enter the child's first names", max_length=100, autocomplete="off",
                            spellcheck="false")
    child_surname = _text("Last name", "Enter the child's last name", max_length=100, autocomplete="off",
                          spellcheck="false")
    date_of_birth = GovukDateField(label="Date of birth", name_in_errors="Date of birth", past_only=True,
                                   help_text="For example, 27 3 2012")
    gender = _radios("Gender", Gender.choices, "Select the child's gender")
    council_child_ref = _text("Your council's reference for the child", "Enter your council's reference for the child",
                              max_length=50, help_text="The child's ID in your case management system",
                              autocomplete="off", spellcheck="false", **{"class": "govuk-input--width-20"})
    nhs_number = _text("NHS number (optional)", "", required=False, max_length=20,
                       help_text="10 digits, for example 943 476 5919", inputmode="numeric", autocomplete="off",
                       **{"class": "govuk-input--width-10"})

    def clean_nhs_number(self):
        value = self.cleaned_data["nhs_number"].strip()
        return nhs_number_normalise(value) if value else ""


class LegalStatusForm(forms.Form):
    legal_status = _radios("What is the child's legal status?", LegalStatus.choices,
                           "Select the child's legal status")
    legal_status_other = _text("If other, describe the legal status (optional)", "", required=False)

    def clean(self):
        data = super().clean()
        if data.get("legal_status") == LegalStatus.OTHER and not data.get("legal_status_other", "").strip():
            self.add_error("legal_status_other", "Describe the child's legal status")
        return data


class RisksForm(forms.Form):
    risks = forms.MultipleChoiceField(label="Which risks apply to the child? (optional)", choices=Risk.choices,
                                      required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text="Select all that apply",
                                      error_messages={"invalid_choice": "Select risks from the list"})
    known_associates = _text("Known associates (optional)", "", required=False, max_length=LONG, textarea=True,
                             help_text="People the child is known to spend time with who may put them at risk")
    risk_summary = _text("Summary of the risks", "Enter a summary of the risks", max_length=LONG, textarea=True,
                         help_text="What the police in the area need to know to keep the child safe")


class PlacementForm(forms.Form):
    placement_type = _radios("Type of placement", PlacementType.choices, "Select the type of placement")
    placement_type_other = _text("If other, describe the type of placement (optional)", "", required=False)
    provider_name = _text("Provider", "Enter the provider's name",
                          help_text="The company, charity or council that runs the placement")
    address = _text("Address of the placement", "Enter the placement address", max_length=500, textarea=True,
                    help_text="Do not include the postcode", rows=3)
    postcode = _text("Postcode", "Enter the placement postcode", max_length=10, autocomplete="off",
                     spellcheck="false", **{"class": "govuk-input--width-10"})
    start_date = GovukDateField(label="Start date", name_in_errors="Start date",
                                help_text="The date the child moves in, for example 2 12 2026")
    planned_end_date = GovukDateField(label="Planned end date (optional)", name_in_errors="Planned end date",
                                      required=False)

    def clean_postcode(self):
        return postcode_normalise(self.cleaned_data["postcode"])

    def clean(self):
        data = super().clean()
        if data.get("placement_type") == PlacementType.OTHER and not data.get("placement_type_other", "").strip():
            self.add_error("placement_type_other", "Describe the type of placement")
        start, end = data.get("start_date"), data.get("planned_end_date")
        if start and end and end < start:
            self.add_error("planned_end_date", "The planned end date must be on or after the start date")
        return data


TRIAGE_CHOICE = "triage"


class PoliceForceForm(forms.Form):
    """Asked only when the placement postcode's district spans forces and none clearly holds it."""

    host_force = forms.ChoiceField(label="Which police force covers the placement address?", widget=forms.RadioSelect,
                                   error_messages={"required": "Select the police force, or that you are not sure",
                                                   "invalid_choice": "Select a police force from the list"})

    def __init__(self, *args, forces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_force"].choices = [(force.code, force.force_name) for force in forces] + [
            (TRIAGE_CHOICE, "I'm not sure: send it to the national triage desk to decide")]


class ContactsForm(forms.Form):
    social_worker_name = _text("Social worker's name", "Enter the social worker's name", autocomplete="off")
    social_worker_phone = _text("Social worker's phone number", "Enter the social worker's phone number",
                                max_length=40, type="tel", autocomplete="off", **{"class": "govuk-input--width-20"})
    social_worker_email = forms.EmailField(
        label="Social worker's email address", max_length=254, widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={"required": "Enter the social worker's email address",
                        "invalid": "Enter an email address in the correct format, like name@example.gov.uk"})
    out_of_hours_contact = _text("Out-of-hours contact", "Enter the out-of-hours contact",
                                 help_text="The team or person police should call outside office hours, for "
                                           "example the emergency duty team")
    out_of_hours_phone = _text("Out-of-hours phone number", "Enter the out-of-hours phone number", max_length=40,
                               type="tel", **{"class": "govuk-input--width-20"})


class ProfileForm(forms.Form):
    """Philomena Protocol part 1: what police need if the child goes missing."""

    profile_description = _text("Description of the child", "Enter a description of the child", max_length=LONG,
                                textarea=True, help_text="Height, build, hair, distinguishing features, usual clothing")
    profile_vulnerabilities = _text("Vulnerabilities (optional)", "", required=False, max_length=LONG, textarea=True,
                                    help_text="Health conditions, medication, additional needs")
    profile_associates = _text("Friends and associates (optional)", "", required=False, max_length=LONG,
                               textarea=True)
    profile_places = _text("Places the child may go (optional)", "", required=False, max_length=LONG,
                           textarea=True, help_text="Addresses and areas the child is known to go to")
    profile_phones_social_media = _text("Phones and social media (optional)", "", required=False, max_length=LONG,
                                        textarea=True, help_text="Phone numbers and social media accounts")
    profile_missing_history = _text("Previous missing episodes (optional)", "", required=False, max_length=LONG,
                                    textarea=True, help_text="When, for how long, where the child was found")


# --- Draft answers in and out -----------------------------------------------------------------
def answers_from_post(form_class, post: QueryDict) -> dict[str, list[str]]:
    """The posted values that belong to the form, as typed (date boxes and checkboxes included)."""
    names = form_class.base_fields.keys()
    return {key: post.getlist(key) for key in post
            if any(key == name or key.startswith(name + "_") for name in names)}


def bind(form_class, answers: dict[str, list[str]] | None, **kwargs):
    """The form bound to saved answers, or unbound (blank) when there are none yet."""
    if answers is None:
        return form_class(**kwargs)
    data = QueryDict(mutable=True)
    for key, values in answers.items():
        data.setlist(key, values)
    return form_class(data, **kwargs)


def initial_from(form_class, answers: dict[str, list[str]] | None, **kwargs) -> dict:
    """Saved answers as a form's initial values (each widget reads back what it posted)."""
    if not answers:
        return {}
    form = bind(form_class, answers, **kwargs)
    return {name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            for name, field in form.fields.items()}


def answers_from_notification(notification) -> dict[str, dict[str, list[str]]]:
    """A move starts from what the council said last time: all but the placement and its force."""

    def day(value: date | None, name: str) -> dict[str, list[str]]:
        if value is None:
            return {}
        return {f"{name}_day": [str(value.day)], f"{name}_month": [str(value.month)], f"{name}_year": [str(value.year)]}

    n = notification
    plain = {
        "child": ["child_forenames", "child_surname", "gender", "council_child_ref", "nhs_number"],
        "legal-status": ["legal_status", "legal_status_other"],
        "risks": ["known_associates", "risk_summary"],
        "contacts": ["social_worker_name", "social_worker_phone", "social_worker_email", "out_of_hours_contact",
                     "out_of_hours_phone"],
        "profile": ["profile_description", "profile_vulnerabilities", "profile_associates", "profile_places",
                    "profile_phones_social_media", "profile_missing_history"],
    }
    answers = {section: {name: [str(getattr(n, name))] for name in names} for section, names in plain.items()}
    answers["child"].update(day(n.date_of_birth, "date_of_birth"))
    answers["risks"]["risks"] = list(n.risks)
    return answers


# --- The host force ---------------------------------------------------------------------------
class AcknowledgeForm(forms.Form):
    local_intelligence_checked = forms.BooleanField(
        label="We have checked local intelligence about the child and their associates", required=False)
    risk_management_plan = _text("Risk management plan", "Describe the risk management plan", max_length=LONG,
                                 textarea=True, help_text="What your force will do: flags, briefings, patrol plans, "
                                                          "liaison with the home")
    named_officer = _text("Named officer", "Enter the name of the officer responsible",
                          help_text="The officer responsible for this child in your force")
    named_officer_contact = _text("How to contact the named officer", "Enter how to contact the named officer",
                                  help_text="Phone number or email address")


class DeclineForm(forms.Form):
    reason = _text("Why is the placement not in your force's area?", "Say why the placement is not in your "
                   "force's area", max_length=300, textarea=True)


def _time_field(label: str, *, required: bool) -> forms.TimeField:
    return forms.TimeField(label=label, required=required, input_formats=["%H:%M", "%H.%M", "%H%M"],
                           help_text="Use the 24-hour clock, for example 21:30",
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
                           error_messages={"required": f"Enter the time {label.lower()}",
                                           "invalid": "Enter a time like 21:30"})


class MissingEpisodeForm(forms.Form):
    went_missing_on = GovukDateField(label="Date the child went missing", name_in_errors="Date the child went missing",
                                     past_only=True)
    went_missing_time = _time_field("Time the child went missing", required=True)
    returned_on = GovukDateField(label="Date the child came back (optional)",
                                 name_in_errors="Date the child came back", past_only=True, required=False)
    returned_time = _time_field("Time the child came back (optional)", required=False)
    police_reference = _text("Your force's reference", "Enter your force's reference for the missing episode",
                             max_length=50, **{"class": "govuk-input--width-20"})
    circumstances = _text("Circumstances (optional)", "", required=False, max_length=LONG, textarea=True,
                          help_text="Where the child was found, who with, and any risk identified")

    def clean(self):
        data = super().clean()
        if data.get("returned_on") and not data.get("returned_time"):
            self.add_error("returned_time", "Enter the time the child came back")
        if data.get("returned_time") and not data.get("returned_on"):
            self.add_error("returned_on", "Enter the date the child came back")
        return data

    @staticmethod
    def moment(day: date | None, clock: time | None) -> datetime | None:
        if day is None or clock is None:
            return None
        return timezone.make_aware(datetime.combine(day, clock))


class EndForm(forms.Form):
    ended_on = GovukDateField(label="Date the placement ended", name_in_errors="Date the placement ended",
                              past_only=True)
    reason = _text("Why did the placement end?", "Say why the placement ended", max_length=300, textarea=True)


class RouteForm(forms.Form):
    force = forms.ChoiceField(label="Police force", error_messages={"required": "Select the police force",
                                                                    "invalid_choice": "Select the police force"})
    note = _text("Note for the timeline (optional)", "", required=False, max_length=300, textarea=True,
                 help_text="How you found the force, for example from the provider")

    def __init__(self, *args, forces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].choices = [("", "Choose a force")] + [(force.code, force.force_name) for force in forces]


class FiguresForm(forms.Form):
    days = forms.TypedChoiceField(label="Period", coerce=int, initial=90,
                                  choices=[(30, "Last 30 days"), (90, "Last 90 days"), (365, "Last 12 months")])
