"""The shared GOV.UK form partials: what a person filling in a form sees and where errors lead."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory


class Tags(HTMLParser):
    """Every start tag as (name, attributes), in document order, and each element's text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self._open: list[list] = []
        self._texts: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append([tag, ""])

    def handle_endtag(self, tag):
        while self._open:
            name, text = self._open.pop()
            self._texts.append((name, text.strip()))
            if self._open:
                self._open[-1][1] += text
            if name == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][1] += data

    def texts(self, tag: str) -> list[str]:
        return [text for name, text in self._texts if name == tag]

    def by_id(self, id_: str) -> tuple[str, dict]:
        found = [t for t in self.tags if t[1].get("id") == id_]
        assert len(found) == 1, f"expected one element with id {id_!r}, found {len(found)}"
        return found[0]

    def named(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


class PlacementForm(forms.Form):
    child_name = forms.CharField(label="Child's name", max_length=100, help_text="As the council records it.",
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-20"}))
    email = forms.EmailField(label="Contact email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    age = forms.IntegerField(label="Age", min_value=0, max_value=25)
    placed_on = forms.DateField(label="Date placed", widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    placing_council = forms.ChoiceField(label="Placing council", choices=[("", "Choose a council"),
                                                                          ("E08000035", "Leeds"),
                                                                          ("E08000036", "Wakefield")])
    risk = forms.ChoiceField(label="Risk level", widget=forms.RadioSelect,
                             choices=[("low", "Low"), ("medium", "Medium"), ("high", "High")])
    concerns = forms.MultipleChoiceField(label="Concerns", widget=forms.CheckboxSelectMultiple, required=False,
                                         choices=[("cse", "Sexual exploitation"), ("cce", "Criminal exploitation")])
    confirmed = forms.BooleanField(label="I have told the child's social worker")
    care_plan = forms.FileField(label="Care plan", required=False)
    reference = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The placing council has not agreed to share this notification.")


def render_field(form, name, **options) -> str:
    return render_to_string("components/field.html", {"field": form[name], **options})


@pytest.fixture
def bad_form():
    form = PlacementForm(data={"child_name": "", "email": "not-an-email", "age": "40", "risk": "medium",
                               "concerns": ["cce"], "placing_council": "E08000036", "notes": "Seen at <b>",
                               "placed_on": "2025-02-30", "reference": ""})
    assert not form.is_valid()
    return form


def test_text_input_keeps_its_attributes_and_shows_its_error_with_the_hint(bad_form):
    tags = Tags(render_field(bad_form, "child_name"))
    _, field = tags.by_id("id_child_name")
    assert field["type"] == "text" and field["name"] == "child_name"
    assert field["autocomplete"] == "off" and field["maxlength"] == "100"
    assert field["class"].split() == ["govuk-input", "govuk-input--error", "govuk-input--width-20"]
    assert field["aria-describedby"] == "id_child_name-hint id_child_name-error"
    assert "required" not in field  # GOV.UK validates on the server, not with the browser's bubbles
    tags.by_id("id_child_name-hint")
    tags.by_id("id_child_name-error")
    assert tags.named("label", **{"for": "id_child_name"})
    assert "govuk-form-group--error" in tags.tags[0][1]["class"]


def test_typed_inputs_keep_their_type_and_the_value_entered(bad_form):
    _, email = Tags(render_field(bad_form, "email")).by_id("id_email")
    assert (email["type"], email["value"], email["autocomplete"]) == ("email", "not-an-email", "email")
    _, age = Tags(render_field(bad_form, "age")).by_id("id_age")
    assert (age["type"], age["value"], age["max"]) == ("number", "40", "25")
    _, placed = Tags(render_field(bad_form, "placed_on")).by_id("id_placed_on")
    assert placed["type"] == "date"


def test_password_is_never_echoed_back_and_has_a_show_button(bad_form):
    html = render_field(PlacementForm(data={"password": "secret words here"}), "password")
    tags = Tags(html)
    _, field = tags.by_id("id_password")
    assert "value" not in field and "secret words" not in html
    assert field["autocomplete"] == "current-password"
    assert tags.named("button", **{"aria-controls": "id_password"})


def test_textarea_and_select_show_what_was_entered_escaped(bad_form):
    html = render_field(bad_form, "notes")
    assert "Seen at &lt;b&gt;</textarea>" in html
    assert "Notes (optional)" in html
    options = Tags(render_field(bad_form, "placing_council")).named("option")
    assert [o["value"] for o in options if "selected" in o] == ["E08000036"]


def test_radios_and_checkboxes_are_a_fieldset_whose_first_box_takes_the_field_id(bad_form):
    tags = Tags(render_field(bad_form, "risk"))
    assert tags.tags[1][0] == "fieldset"
    radios = tags.named("input", type="radio")
    assert [r["id"] for r in radios] == ["id_risk", "id_risk_1", "id_risk_2"]
    assert [r["value"] for r in radios if "checked" in r] == ["medium"]
    for radio in radios:
        assert tags.named("label", **{"for": radio["id"]})

    tags = Tags(render_field(bad_form, "concerns"))
    boxes = tags.named("input", type="checkbox")
    assert [b["id"] for b in boxes] == ["id_concerns", "id_concerns_1"]
    assert [b["value"] for b in boxes if "checked" in b] == ["cce"]


def test_single_checkbox_and_file_upload(bad_form):
    ticked = PlacementForm(data={"confirmed": "on"})
    _, box = Tags(render_field(ticked, "confirmed")).by_id("id_confirmed")
    assert box["type"] == "checkbox" and "checked" in box
    _, box = Tags(render_field(bad_form, "confirmed")).by_id("id_confirmed")
    assert "checked" not in box
    _, upload = Tags(render_field(bad_form, "care_plan")).by_id("id_care_plan")
    assert upload["type"] == "file" and upload["class"] == "govuk-file-upload"


def test_a_one_question_page_can_make_the_label_its_heading(bad_form):
    html = render_field(bad_form, "child_name", heading=True)
    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="id_child_name">' in html


@pytest.mark.parametrize("data", [{}, {"email": "not-an-email", "age": "40", "risk": "medium"}])
def test_every_error_in_the_summary_leads_to_its_field(data):
    form = PlacementForm(data=data)
    assert not form.is_valid()
    summary = render_to_string("components/error_summary.html", {"form": form})
    whole_form = render_to_string("django/forms/div.html", {"form": form})
    links = [a["href"] for a in Tags(summary).named("a")]
    assert "The placing council has not agreed to share this notification." in summary
    assert links == [f"#id_{name}" for name in form.errors if name not in ("__all__", "reference")]
    form_tags = Tags(whole_form)
    for link in links:
        form_tags.by_id(link[1:])
    assert "Reference: This field is required." in summary  # a hidden field's error cannot be linked to


def test_the_error_summary_is_absent_when_nothing_is_wrong():
    form = PlacementForm()
    assert render_to_string("components/error_summary.html", {"form": form}).strip() == ""


def test_form_renders_with_gov_uk_markup_through_djangos_form_renderer(bad_form):
    html = Template("{{ form }}").render(Context({"form": bad_form}))
    tags = Tags(html)
    assert len(tags.named("div", **{"class": "govuk-form-group govuk-form-group--error"})) >= 5
    assert tags.by_id("id_reference")[1]["type"] == "hidden"
    as_group = Tags(bad_form["email"].as_field_group())
    assert as_group.by_id("id_email")[1]["class"] == "govuk-input govuk-input--error"


def test_summary_list_says_when_a_value_is_not_recorded():
    html = render_to_string("components/summary_list.html",
                            {"rows": [("Name", "Jay"), ("Date of birth", None), ("Previous placements", 0)]})
    assert html.count("govuk-summary-list__row") == 3
    assert "Not recorded" in html and ">0</dd>" in html


@pytest.mark.parametrize(
    ("current", "shown"),
    [(1, ["1", "2", "⋯", "20"]), (10, ["1", "⋯", "9", "10", "11", "⋯", "20"]), (20, ["1", "⋯", "19", "20"])],
)
def test_pagination_keeps_the_search_and_elides_distant_pages(current, shown):
    request = RequestFactory().get("/returns/", {"q": "leeds & bradford", "status": ["accepted", "rejected"],
                                                  "page": current})
    request.user = AnonymousUser()
    page = Paginator(list(range(200)), 10).page(current)
    html = render_to_string("components/pagination.html", {"page": page}, request=request)
    assert Tags(html).texts("li") == shown
    links = [a["href"] for a in Tags(html).named("a")]
    assert all("q=leeds+%26+bradford" in link and "status=accepted&status=rejected" in link for link in links)
    assert f"page={current}" in Tags(html).named("a", **{"aria-current": "page"})[0]["href"]


def test_a_single_page_needs_no_pagination():
    page = Paginator(list(range(5)), 10).page(1)
    assert render_to_string("components/pagination.html", {"page": page}).strip() == ""
