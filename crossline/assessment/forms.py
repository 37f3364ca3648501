from dataclasses import fields

from django import forms

from crossline.assessment.models import Band
from crossline.assessment.scoring import Weights
from crossline.reference.models import PoliceForce, Region

SORTS = (("score", "Highest score"), ("change", "Biggest rise since the last assessment"),
         ("children", "Most children exploited"), ("forces", "Most forces reporting"),
         ("recent", "Most recently reported"))


class PriorityFilterForm(forms.Form):
    band = forms.ChoiceField(label="Priority", required=False, choices=(("", "Every band"), *Band.choices))
    region = forms.ChoiceField(label="Region", required=False)
    force = forms.ChoiceField(label="Force area", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Every region"), *Region.objects.values_list("key", "name")]
        self.fields["force"].choices = [("", "Every force"), *PoliceForce.objects.order_by("name").values_list(
            "code", "name")]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"band": data.get("band") or None, "region_code": data.get("region") or None,
                "force_code": data.get("force") or None}

    def chosen_sort(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or "score"


# The scoring model's settings, grouped and named as the national centre talks about them.
WEIGHT_GROUPS = (
    ("Victims", (
        ("child_first", "The first child exploited"), ("child_each", "Each further child"),
        ("child_cap", "Most that children can add"),
        ("looked_after_each", "Each looked-after child"), ("looked_after_cap", "Most that looked-after children add"),
        ("vulnerable_adult_each", "Each vulnerable adult"), ("vulnerable_adult_cap", "Most for vulnerable adults"),
        ("sexual_exploitation_each", "Each person sexually exploited"),
        ("sexual_exploitation_cap", "Most for sexual exploitation"),
        ("cuckooed_each", "Each cuckooed home or occupant"), ("cuckooed_cap", "Most for cuckooing"),
        ("missing_each", "Each missing episode"), ("missing_cap", "Most for missing episodes"))),
    ("Physical and psychological harm", (
        ("violence_each", "Each violent incident"), ("violence_cap", "Most for violence"),
        ("weapon_firearm", "A firearm"), ("weapon_corrosive", "A corrosive substance"), ("weapon_knife", "A knife"),
        ("weapon_other", "Another weapon"), ("threats_each", "Each enforcer or person in drug debt"),
        ("threats_cap", "Most for threats and debt"))),
    ("Scale (together less than the first child)", (
        ("class_a", "Supplying class A drugs"), ("drug_each", "Each further kind of drug"),
        ("drugs_cap", "Most for drugs"), ("places_each", "Each place used"), ("places_cap", "Most for places"),
        ("people_each", "Each person involved"), ("people_cap", "Most for people involved"),
        ("importing_area_each", "Each area supplied"), ("importing_area_cap", "Most for areas supplied"),
        ("importing_force_each", "Each other force area crossed into"),
        ("importing_force_cap", "Most for force areas crossed"),
        ("month_each", "Each further month reported"), ("months_cap", "Most for months reported"))),
    ("Likelihood (multipliers from 0 to 1)", (
        ("likelihood_active", "Active"), ("likelihood_dormant", "Dormant"), ("likelihood_closed", "Closed"),
        ("recent_days", "Recent means reported within this many days"), ("recency_recent", "Reported recently"),
        ("recency_half_year", "Last reported within 6 months"), ("recency_year", "Last reported within a year"),
        ("recency_older", "Last reported over a year ago"), ("recency_unknown", "No report date known"))),
    ("Confidence", (
        ("confidence_floor", "Lowest confidence (a multiplier from 0 to 1)"),
        ("corroboration_each", "Added to confidence for each further force reporting the line"))),
    ("Organisational position", (
        ("untasked", "Points when nobody holds a live tasking"),
        ("stretched", "Points when a force it touches is stretched"),
        ("stretched_at", "A force is stretched when it holds this many live taskings"))),
)
WHOLE_NUMBERS = {"recent_days", "stretched_at"}


class ScoringModelForm(forms.Form):
    """Every weight, the band thresholds and the reason, as a new version of the scoring model."""

    national_threshold = forms.FloatField(label="National priority from this score", min_value=0,
                                          error_messages={"required": "Enter the national threshold"})
    regional_threshold = forms.FloatField(label="Regional priority from this score", min_value=0,
                                          error_messages={"required": "Enter the regional threshold"})
    reason = forms.CharField(label="Why are you changing the scoring model?", max_length=2_000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Everyone who sees a score can read this beside the version.",
                             error_messages={"required": "Say why the scoring model is changing"})

    def __init__(self, *args, initial_weights: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = {**Weights().as_dict(), **(initial_weights or {})}
        known = {item.name for item in fields(Weights)}
        for _group, items in WEIGHT_GROUPS:
            for name, label in items:
                assert name in known, name  # noqa: S101 - a typo here is a programming error
                field_class = forms.IntegerField if name in WHOLE_NUMBERS else forms.FloatField
                self.fields[name] = field_class(label=label, min_value=0, initial=defaults[name],
                                                error_messages={"required": f"Enter a number for {label.lower()}"},
                                                widget=forms.NumberInput(attrs={"step": "any", "class": "govuk-input--width-5"}))

    def groups(self):
        return [(title, [self[name] for name, _label in items]) for title, items in WEIGHT_GROUPS]

    def weights(self) -> dict:
        return {name: self.cleaned_data[name] for _group, items in WEIGHT_GROUPS for name, _label in items}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        national, regional = cleaned.get("national_threshold"), cleaned.get("regional_threshold")
        if national is not None and regional is not None and national <= regional:
            self.add_error("national_threshold", "The national threshold must be above the regional threshold")
        for name, problem in Weights.from_dict({**Weights().as_dict(), **self.weights()}).problems().items():
            if name in self.fields:
                self.add_error(name, problem)
        return cleaned


class ForceChoiceForm(forms.Form):
    force = forms.ChoiceField(label="Force area", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].choices = [("", "Choose a force"), *PoliceForce.objects.order_by("name").values_list(
            "code", "name")]
