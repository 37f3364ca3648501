"""The API's shapes for placement notifications. Requests are allowlists: a field the API does not
know is refused (400), never silently ignored, so that nothing can be slipped in (AC-03)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crossline.core.problems import ProblemSerializer
from crossline.placements.details import PlacementDetails
from crossline.placements.models import Gender, LegalStatus, PlacementNotification, PlacementType, Risk


class Strict(serializers.Serializer):
    def to_internal_value(self, data):
        unknown = {name: ["This field is not part of the API."]
                   for name in sorted(set(data) - set(self.fields))} if isinstance(data, dict) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                error.detail.update(unknown)
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


def _text(max_length: int = 200, *, required: bool = True, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=required, allow_blank=not required, **kwargs)


class ChildIn(Strict):
    forenames = _text(100)
    surname = _text(100)
    date_of_birth = serializers.DateField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    council_reference = _text(50, help_text="The child's ID in the council's case management system.")
    nhs_number = _text(20, required=False, default="", help_text="Ten digits; the check digit is verified.")


class RisksIn(Strict):
    criminal_exploitation = serializers.BooleanField(default=False)
    sexual_exploitation = serializers.BooleanField(default=False)
    county_lines = serializers.BooleanField(default=False)
    missing_history = serializers.BooleanField(default=False)
    known_associates = _text(5000, required=False, default="")
    summary = _text(5000)


class PlacementIn(Strict):
    type = serializers.ChoiceField(choices=PlacementType.choices)
    type_other = _text(required=False, default="")
    provider = _text()
    address = _text(500)
    postcode = _text(10)
    start_date = serializers.DateField()
    planned_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    host_force_code = _text(9, required=False, default="", help_text=(
        "Only where the postcode's district spans police forces: the ONS code of the force the council has "
        "confirmed covers the address. Without it such a notification goes to the national triage desk."))


class SocialWorkerIn(Strict):
    name = _text()
    phone = _text(40)
    email = serializers.EmailField(max_length=254)


class OutOfHoursIn(Strict):
    name = _text(help_text="The team or person police should call outside office hours.")
    phone = _text(40)


class ContactsIn(Strict):
    social_worker = SocialWorkerIn()
    out_of_hours = OutOfHoursIn()


class ProfileIn(Strict):
    """Philomena Protocol part 1."""

    description = _text(5000)
    vulnerabilities = _text(5000, required=False, default="")
    associates = _text(5000, required=False, default="")
    places_frequented = _text(5000, required=False, default="")
    phones_and_social_media = _text(5000, required=False, default="")
    previous_missing_episodes = _text(5000, required=False, default="")


class NotificationIn(Strict):
    child = ChildIn()
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices)
    legal_status_other = _text(required=False, default="")
    risks = RisksIn()
    placement = PlacementIn()
    contacts = ContactsIn()
    profile = ProfileIn()
    moved_from = _text(16, required=False, default="", help_text=(
        "The reference of the child's current notification when the child is moving: that placement ends."))

    def details(self) -> PlacementDetails:
        data = self.validated_data
        child, risks, placement = data["child"], data["risks"], data["placement"]
        worker, out_of_hours, profile = (data["contacts"]["social_worker"], data["contacts"]["out_of_hours"],
                                         data["profile"])
        return PlacementDetails(
            child_forenames=child["forenames"], child_surname=child["surname"], date_of_birth=child["date_of_birth"],
            gender=child["gender"], council_child_ref=child["council_reference"], nhs_number=child["nhs_number"],
            legal_status=data["legal_status"], legal_status_other=data["legal_status_other"],
            risks=tuple(risk for risk in Risk.values if risks[risk]), known_associates=risks["known_associates"],
            risk_summary=risks["summary"], placement_type=placement["type"],
            placement_type_other=placement["type_other"], provider_name=placement["provider"],
            address=placement["address"], postcode=placement["postcode"], start_date=placement["start_date"],
            planned_end_date=placement["planned_end_date"], social_worker_name=worker["name"],
            social_worker_phone=worker["phone"], social_worker_email=worker["email"],
            out_of_hours_contact=out_of_hours["name"], out_of_hours_phone=out_of_hours["phone"],
            profile_description=profile["description"], profile_vulnerabilities=profile["vulnerabilities"],
            profile_associates=profile["associates"], profile_places=profile["places_frequented"],
            profile_phones_social_media=profile["phones_and_social_media"],
            profile_missing_history=profile["previous_missing_episodes"],
        )


# Where each details field sits in the request, so that the service's refusals point at it.
FIELD_PATHS = {
    "child_forenames": "child.forenames", "child_surname": "child.surname", "date_of_birth": "child.date_of_birth",
    "gender": "child.gender", "council_child_ref": "child.council_reference", "nhs_number": "child.nhs_number",
    "risks": "risks", "known_associates": "risks.known_associates", "risk_summary": "risks.summary",
    "placement_type": "placement.type", "placement_type_other": "placement.type_other",
    "provider_name": "placement.provider", "address": "placement.address", "postcode": "placement.postcode",
    "start_date": "placement.start_date", "planned_end_date": "placement.planned_end_date",
    "social_worker_name": "contacts.social_worker.name", "social_worker_phone": "contacts.social_worker.phone",
    "social_worker_email": "contacts.social_worker.email", "out_of_hours_contact": "contacts.out_of_hours.name",
    "out_of_hours_phone": "contacts.out_of_hours.phone", "profile_description": "profile.description",
    "profile_vulnerabilities": "profile.vulnerabilities", "profile_associates": "profile.associates",
    "profile_places": "profile.places_frequented", "profile_phones_social_media": "profile.phones_and_social_media",
    "profile_missing_history": "profile.previous_missing_episodes",
}


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as {"child.nhs_number": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, name if key != "non_field_errors" else prefix or "body"))
    elif isinstance(errors, list) and errors and all(not isinstance(item, dict | list) for item in errors):
        flat[prefix or "body"] = [str(item) for item in errors]
    elif isinstance(errors, list):
        for item in errors:
            flat.update(flatten_errors(item, prefix))
    else:
        flat[prefix or "body"] = [str(errors)]
    return flat


class ForceOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="force_name")


class RoutingOut(serializers.Serializer):
    in_triage = serializers.BooleanField()
    host_force = ForceOut(allow_null=True)
    host_force_confirmed_by_council = serializers.BooleanField(source="host_force_confirmed_by_placer")
    location_confidence = serializers.CharField()
    home_force = ForceOut(allow_null=True)


class AcknowledgementOut(serializers.Serializer):
    acknowledged_at = serializers.DateTimeField()
    force = serializers.CharField(source="organisation.name")
    local_intelligence_checked = serializers.BooleanField()
    risk_management_plan = serializers.CharField()
    named_officer = serializers.CharField()
    named_officer_contact = serializers.CharField()


class NotificationOut(serializers.ModelSerializer):
    """What the placing council's system is told: where its notification went and what became of
    it. The child's own details are not echoed back: the council holds them already."""

    status_label = serializers.CharField(source="get_status_display")
    council_reference = serializers.CharField(source="council_child_ref")
    routing = serializers.SerializerMethodField()
    acknowledgement = serializers.SerializerMethodField()
    missing_episodes = serializers.SerializerMethodField()
    moved_from = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = PlacementNotification
        fields = ["reference", "uuid", "status", "status_label", "created_at", "council_reference", "start_date",
                  "ended_on", "routing", "acknowledgement", "missing_episodes", "moved_from", "url"]

    @extend_schema_field(RoutingOut)
    def get_routing(self, notification) -> dict:
        return RoutingOut({
            "in_triage": notification.in_triage, "host_force": notification.host_force,
            "host_force_confirmed_by_placer": notification.host_force_confirmed_by_placer,
            "location_confidence": notification.location_confidence, "home_force": notification.home_force,
        }).data

    @extend_schema_field(AcknowledgementOut(allow_null=True))
    def get_acknowledgement(self, notification) -> dict | None:
        acknowledgement = getattr(notification, "acknowledgement", None)
        return AcknowledgementOut(acknowledgement).data if acknowledgement is not None else None

    def get_missing_episodes(self, notification) -> int:
        return notification.missing_episodes.count()

    def get_url(self, notification) -> str:
        return settings.CROSSLINE_BASE_URL + reverse("placements:detail", args=[notification.reference])


class ProblemOut(ProblemSerializer):
    """RFC 9457 problem details, as the placements API sends them."""

    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text='Each refused field by its path, e.g. "child.nhs_number".')
