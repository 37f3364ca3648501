from django import forms

from crossline.compliance.models import DUE_WORKING_DAYS_MAX, REMINDER_WORKING_DAYS_MAX, Frequency


class ScheduleForm(forms.Form):
    effective_from = forms.DateField(
        label="Starting with the period that begins on",
        help_text="The 1st of a month, for example 1/1/2027. Periods that have already ended keep their deadlines.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"required": "Enter the day the change starts", "invalid": "Enter a date like 1/1/2027"})
    frequency = forms.ChoiceField(label="Returns are due", choices=Frequency.choices, widget=forms.RadioSelect,
                                  initial=Frequency.MONTHLY)
    due_working_days = forms.IntegerField(
        label="Working days after the period ends that a return is due", min_value=1,
        max_value=DUE_WORKING_DAYS_MAX, initial=10,
        help_text="Weekends and bank holidays in England and Wales do not count.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    reminder_working_days = forms.IntegerField(
        label="Working days before the due date that forces are reminded", min_value=1,
        max_value=REMINDER_WORKING_DAYS_MAX, initial=3, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    reason = forms.CharField(label="Why it is changing", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))
