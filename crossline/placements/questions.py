"""The question pages in order, and how a draft's answers become a notification's details."""

from dataclasses import dataclass

from crossline.placements import forms
from crossline.placements.details import LABELS, PlacementDetails
from crossline.placements.models import Gender, LegalStatus, PlacementDraft, PlacementType, Risk
from crossline.placements.routing import forces_to_confirm
from crossline.reference.lookups import locate_postcode


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form_class: type


SECTIONS = (
    Section("child", "About the child", forms.ChildForm),
    Section("legal-status", "Legal status", forms.LegalStatusForm),
    Section("risks", "Risks", forms.RisksForm),
    Section("placement", "The placement", forms.PlacementForm),
    Section("police-force", "Police force", forms.PoliceForceForm),
    Section("contacts", "Who to contact", forms.ContactsForm),
    Section("profile", "Philomena Protocol profile", forms.ProfileForm),
)
BY_SLUG = {section.slug: section for section in SECTIONS}
# The details field each form field fills, so that a refusal from the service lands on its page.
SECTION_OF_FIELD = {name: section.slug for section in SECTIONS for name in section.form_class.base_fields}


def forces_to_choose(draft: PlacementDraft) -> list:
    """The forces the officer must choose between, if the placement postcode's district spans forces."""
    postcode = (draft.answers.get("placement", {}).get("postcode") or [""])[0]
    return forces_to_confirm(locate_postcode(postcode)) if postcode else []


def sections_for(draft: PlacementDraft) -> list[Section]:
    """The pages this draft needs: the police force page only when the postcode is ambiguous."""
    ambiguous = bool(forces_to_choose(draft))
    return [section for section in SECTIONS if section.slug != "police-force" or ambiguous]


def form_for(draft: PlacementDraft, section: Section, data=None, *, as_typed: bool = False):
    """The section's form: bound to `data` (a POST) if given, else to the saved answers; with
    `as_typed`, unbound and showing the saved answers, so that nothing is marked wrong yet."""
    extra = {"forces": forces_to_choose(draft)} if section.slug == "police-force" else {}
    if data is not None:
        return section.form_class(data, **extra)
    answers = draft.answers.get(section.slug)
    if as_typed:
        return section.form_class(initial=forms.initial_from(section.form_class, answers, **extra), **extra)
    return forms.bind(section.form_class, answers, **extra)


def next_section(draft: PlacementDraft, section: Section) -> Section | None:
    pages = sections_for(draft)
    following = [page for page in pages[pages.index(section) + 1:]] if section in pages else []
    return following[0] if following else None


def previous_section(draft: PlacementDraft, section: Section) -> Section | None:
    pages = sections_for(draft)
    if section not in pages or pages.index(section) == 0:
        return None
    return pages[pages.index(section) - 1]


@dataclass
class Checked:
    forms: dict  # slug -> bound form (valid or not)
    incomplete: list[Section]
    details: PlacementDetails | None
    confirmed_host_force_code: str | None


def check_draft(draft: PlacementDraft) -> Checked:
    """Every page's answers checked; the details when all are complete."""
    bound, incomplete, values = {}, [], {}
    for section in sections_for(draft):
        form = form_for(draft, section)
        bound[section.slug] = form
        if draft.answers.get(section.slug) is None or not form.is_valid():
            incomplete.append(section)
        else:
            values.update(form.cleaned_data)
    if incomplete:
        return Checked(bound, incomplete, None, None)
    force_choice = values.pop("host_force", None)
    values["risks"] = tuple(values.get("risks") or ())
    details = PlacementDetails(**values)
    confirmed = None if force_choice in (None, forms.TRIAGE_CHOICE) else force_choice
    return Checked(bound, [], details, confirmed)


def summary_rows(checked: Checked, section: Section) -> list[tuple[str, str]]:
    """(question, answer) for the check-your-answers page, for a complete section."""
    form = checked.forms[section.slug]
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name.endswith("_other") and not value:
            continue  # "If other, describe": only worth a row when it was needed
        label = str(field.label).removesuffix(" (optional)")
        rows.append((label, display(name, value, form)))
    return rows


_CHOICES = {"gender": Gender, "legal_status": LegalStatus, "placement_type": PlacementType}


def display(name: str, value, form=None) -> str:
    if value in (None, "", [], ()):
        return ""
    if name in _CHOICES:
        return str(_CHOICES[name](value).label)
    if name == "risks":
        return ", ".join(str(Risk(risk).label) for risk in value)
    if name == "host_force" and form is not None:
        return dict(form.fields["host_force"].choices).get(value, value)
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    if name == "nhs_number":
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    return str(value)


def field_label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


def notification_sections(n) -> list[tuple[str, list[tuple[str, str]]]]:
    """The notification as its readers see it: (heading, [(question, answer)])."""
    nhs = display("nhs_number", n.nhs_number)
    legal = n.get_legal_status_display() + (f": {n.legal_status_other}" if n.legal_status_other else "")
    kind = n.get_placement_type_display() + (f": {n.placement_type_other}" if n.placement_type_other else "")
    return [
        ("The child", [
            ("Name", n.child_name), ("Date of birth", display("date_of_birth", n.date_of_birth)),
            ("Gender", n.get_gender_display()), ("Council's reference", n.council_child_ref), ("NHS number", nhs),
        ]),
        ("Legal status and risks", [
            ("Legal status", legal), ("Risks", ", ".join(n.risk_labels())),
            ("Known associates", n.known_associates), ("Summary of the risks", n.risk_summary),
        ]),
        ("The placement", [
            ("Type", kind), ("Provider", n.provider_name), ("Address", n.address), ("Postcode", n.postcode),
            ("Start date", display("start_date", n.start_date)),
            ("Planned end date", display("planned_end_date", n.planned_end_date)),
        ]),
        ("Who to contact", [
            ("Social worker", n.social_worker_name), ("Social worker's phone", n.social_worker_phone),
            ("Social worker's email", n.social_worker_email), ("Out-of-hours contact", n.out_of_hours_contact),
            ("Out-of-hours phone", n.out_of_hours_phone),
        ]),
        ("Philomena Protocol profile", [
            ("Description", n.profile_description), ("Vulnerabilities", n.profile_vulnerabilities),
            ("Friends and associates", n.profile_associates), ("Places the child may go", n.profile_places),
            ("Phones and social media", n.profile_phones_social_media),
            ("Previous missing episodes", n.profile_missing_history),
        ]),
    ]
