import uuid

from django import forms

from crossline.intensification.figures import COUNT, FIGURES, GRAMS, POUNDS, figures_by_group
from crossline.intensification.upload import MAX_CSV_BYTES, MAX_XLSX_BYTES

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date(label: str, help_text: str, missing: str) -> forms.DateField:
    return forms.DateField(label=label, help_text=help_text, input_formats=DATE_FORMATS,
                           error_messages={"required": missing, "invalid": "Enter a date like 16/11/2026"},
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))


class WeekOpenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, help_text="For example, County Lines Intensification "
                           "Week, November 2026", error_messages={"required": "Enter a name for the week"})
    starts_on = _date("First day", "For example, 16/11/2026", "Enter the first day of the week")
    ends_on = _date("Last day", "For example, 22/11/2026", "Enter the last day of the week")
    results_due_on = _date("Results due by", "Forces are reminded two days before, if they have not sent them.",
                           "Enter the day results are due")
    focus = forms.CharField(label="Focus", required=False, max_length=2000,
                            help_text="What forces should concentrate on, for example cuckooed addresses and "
                                      "safeguarding children who go missing.",
                            widget=forms.Textarea(attrs={"rows": 4}))


class _KeyedForm(forms.Form):
    # One key per page, so that a second click or a resent form gets the first answer back.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": "The page was incomplete. Try again", "invalid": "The page was incomplete. Try again"})

    def __init__(self, *args, forces=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
        forces = list(forces)
        if len(forces) > 1:
            self.fields["force"] = forces_field(forces)
            self.order_fields(["force"])
        self.forces = {force.pk: force for force in forces}

    def chosen_force(self):
        if len(self.forces) == 1:
            return next(iter(self.forces.values()))
        return self.forces.get(self.cleaned_data.get("force"))

    def fresh_key(self) -> None:
        data = self.data.copy()
        data["idempotency_key"] = str(uuid.uuid4())
        self.data = data


def forces_field(forces) -> forms.ChoiceField:
    return forms.ChoiceField(label="Force", choices=[("", "Choose a force")] + [(f.pk, f.force_name) for f in forces],
                             error_messages={"required": "Choose the force whose results these are"})


_WIDGET_ATTRS = {COUNT: {"inputmode": "numeric", "class": "govuk-input--width-5"},
                 GRAMS: {"inputmode": "decimal", "class": "govuk-input--width-10"},
                 POUNDS: {"inputmode": "decimal", "class": "govuk-input--width-10"}}


class _FigureField(forms.CharField):
    """Shown as required (or optional) as the figure is, but checked only by the service, which
    reports a missing figure together with every other problem."""

    def validate(self, value):
        pass


class ResultsForm(_KeyedForm):
    """Every figure as text: the service checks them, so the form, the API and an upload say the
    same things about the same mistakes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for figure in FIGURES:
            label = figure.label + {COUNT: "", GRAMS: " (grams)", POUNDS: " (£)"}[figure.kind]
            self.fields[figure.key] = _FigureField(label=label, required=figure.required, help_text=figure.hint,
                                                   widget=forms.TextInput(attrs=dict(_WIDGET_ATTRS[figure.kind],
                                                                                        spellcheck="false")))

    def groups(self) -> list[dict]:
        return [{"key": key, "heading": heading, "fields": [self[f.key] for f in figures]}
                for key, heading, figures in figures_by_group()]


class ResultsUploadForm(_KeyedForm):
    file = forms.FileField(
        label="Your results file",
        help_text="The results template filled in, as an Excel workbook (.xlsx) or a CSV file (.csv).",
        error_messages={"required": "Select your results file", "empty": "The selected file is empty",
                        "invalid": "Select your results file"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = MAX_CSV_BYTES if (upload.name or "").lower().endswith(".csv") else MAX_XLSX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {limit // 1024} KB")
        return upload
