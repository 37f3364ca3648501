"""What a placing council tells the police, checked the same way whether it came from the question
pages or a council's case system through the API."""

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from crossline.placements.models import Gender, LegalStatus, PlacementType, Risk
from crossline.reference.postcodes import normalise_postcode

NHS_NUMBER_EXAMPLE = "943 476 5919"
ADULT_AGE = 18
# A notification is for a placement that has started recently or is coming soon: a date further
# off is almost always a typing slip (2062 for 2026).
START_DATE_WINDOW_DAYS = 366


def nhs_number_normalise(text: str) -> str:
    """The ten digits of an NHS number written with spaces or hyphens, if its check digit is right.

    The check digit is the modulus 11 of the first nine digits weighted 10 down to 2: 11 minus
    the remainder, where 11 means 0 and 10 means the number cannot be valid."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError(f"Enter an NHS number as 10 digits, like {NHS_NUMBER_EXAMPLE}")
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise ValidationError("This is not a valid NHS number: check it against the child's records")
    return digits


def postcode_normalise(text: str) -> str:
    postcode = normalise_postcode(text)
    if postcode is None:
        raise ValidationError("Enter a full UK postcode, like HG1 2AB")
    return postcode


@dataclass(frozen=True)
class PlacementDetails:
    child_forenames: str
    child_surname: str
    date_of_birth: date
    gender: str
    council_child_ref: str
    legal_status: str
    risk_summary: str
    placement_type: str
    provider_name: str
    address: str
    postcode: str
    start_date: date
    social_worker_name: str
    social_worker_phone: str
    social_worker_email: str
    out_of_hours_contact: str
    out_of_hours_phone: str
    profile_description: str
    nhs_number: str = ""
    legal_status_other: str = ""
    risks: tuple[str, ...] = field(default_factory=tuple)
    known_associates: str = ""
    placement_type_other: str = ""
    planned_end_date: date | None = None
    profile_vulnerabilities: str = ""
    profile_associates: str = ""
    profile_places: str = ""
    profile_phones_social_media: str = ""
    profile_missing_history: str = ""

    def checked(self, *, today: date) -> "PlacementDetails":
        """These details tidied (postcode, NHS number, whitespace), or ValidationError naming each field at fault."""
        errors: dict[str, list[str]] = {}

        def fault(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = value.strip()
                if "\x00" in value:
                    fault(name, "Remove the NUL character from this answer")
        for name in REQUIRED_TEXT:
            if not values[name]:
                fault(name, f"Enter {LABELS[name]}")
        for name, limit in LIMITS.items():
            if len(values[name]) > limit:
                fault(name, f"{LABELS[name][0].upper()}{LABELS[name][1:]} must be {limit} characters or fewer")
        _choice(values, "gender", Gender, fault)
        _choice(values, "legal_status", LegalStatus, fault)
        _choice(values, "placement_type", PlacementType, fault)
        if values["legal_status"] == LegalStatus.OTHER and not values["legal_status_other"]:
            fault("legal_status_other", "Describe the child's legal status")
        if values["placement_type"] == PlacementType.OTHER and not values["placement_type_other"]:
            fault("placement_type_other", "Describe the type of placement")
        unknown_risks = [risk for risk in values["risks"] if risk not in Risk.values]
        if unknown_risks:
            fault("risks", "Choose risks from the list")
        values["risks"] = tuple(risk for risk in Risk.values if risk in values["risks"])
        if values["nhs_number"]:
            try:
                values["nhs_number"] = nhs_number_normalise(values["nhs_number"])
            except ValidationError as error:
                fault("nhs_number", error.messages[0])
        if values["postcode"]:
            try:
                values["postcode"] = postcode_normalise(values["postcode"])
            except ValidationError as error:
                fault("postcode", error.messages[0])
        if values["social_worker_email"]:
            try:
                validate_email(values["social_worker_email"])
            except ValidationError:
                fault("social_worker_email", "Enter an email address in the correct format, like name@example.gov.uk")
        _dates(values, today, fault)
        if errors:
            raise ValidationError(errors)
        return PlacementDetails(**values)

    def as_fields(self) -> dict:
        values = asdict(self)
        values["risks"] = list(self.risks)
        return values


def _choice(values, name, choices, fault) -> None:
    if values[name] and values[name] not in choices.values:
        fault(name, f"Choose {LABELS[name]} from the list")


def _dates(values, today: date, fault) -> None:
    born, start, end = values["date_of_birth"], values["start_date"], values["planned_end_date"]
    if not isinstance(born, date):
        fault("date_of_birth", "Enter the child's date of birth")
        born = None
    elif born > today:
        fault("date_of_birth", "The date of birth must be in the past")
        born = None
    if not isinstance(start, date):
        fault("start_date", "Enter the date the placement starts")
        return
    if (today - start).days > START_DATE_WINDOW_DAYS:
        fault("start_date", "The placement must have started in the last year")
    elif (start - today).days > START_DATE_WINDOW_DAYS:
        fault("start_date", "The placement must start within the next year")
    elif born is not None and start < born:
        fault("start_date", "The placement cannot start before the child was born")
    elif born is not None and _age_on(born, start) >= ADULT_AGE:
        fault("date_of_birth", "The child must be under 18 when the placement starts")
    if end is not None and end < start:
        fault("planned_end_date", "The planned end date must be on or after the start date")


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# Shown in messages as "Enter <label>".
LABELS = {
    "child_forenames": "the child's first names",
    "child_surname": "the child's last name",
    "date_of_birth": "the child's date of birth",
    "gender": "the child's gender",
    "council_child_ref": "your council's reference for the child",
    "nhs_number": "the child's NHS number",
    "legal_status": "the child's legal status",
    "legal_status_other": "the child's legal status",
    "risks": "the risks",
    "known_associates": "known associates",
    "risk_summary": "a summary of the risks",
    "placement_type": "the type of placement",
    "placement_type_other": "the type of placement",
    "provider_name": "the provider's name",
    "address": "the placement address",
    "postcode": "the placement postcode",
    "start_date": "the date the placement starts",
    "planned_end_date": "the planned end date",
    "social_worker_name": "the social worker's name",
    "social_worker_phone": "the social worker's phone number",
    "social_worker_email": "the social worker's email address",
    "out_of_hours_contact": "the out-of-hours contact",
    "out_of_hours_phone": "the out-of-hours phone number",
    "profile_description": "a description of the child",
    "profile_vulnerabilities": "vulnerabilities",
    "profile_associates": "associates",
    "profile_places": "places the child may go",
    "profile_phones_social_media": "phones and social media",
    "profile_missing_history": "previous missing episodes",
}
REQUIRED_TEXT = (
    "child_forenames", "child_surname", "gender", "council_child_ref", "legal_status", "risk_summary",
    "placement_type", "provider_name", "address", "postcode", "social_worker_name", "social_worker_phone",
    "social_worker_email", "out_of_hours_contact", "out_of_hours_phone", "profile_description",
)
_SHORT, _LONG = 200, 5000
LIMITS = {
    "child_forenames": 100, "child_surname": 100, "council_child_ref": 50, "legal_status_other": _SHORT,
    "placement_type_other": _SHORT, "provider_name": _SHORT, "address": 500, "social_worker_name": _SHORT,
    "social_worker_phone": 40, "social_worker_email": 254, "out_of_hours_contact": _SHORT,
    "out_of_hours_phone": 40, "known_associates": _LONG, "risk_summary": _LONG, "profile_description": _LONG,
    "profile_vulnerabilities": _LONG, "profile_associates": _LONG, "profile_places": _LONG,
    "profile_phones_social_media": _LONG, "profile_missing_history": _LONG,
}
