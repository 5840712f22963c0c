from django import forms
from django.utils import timezone
from django.utils.dateformat import format as date_format

from .models import Revision
from .reviews import REVIEW_INTERVAL_MONTHS, default_next_review


class PublishForm(forms.ModelForm):
    """The publisher's note: a note too long for the revision is refused with
    the count, never cut, and the text stays in the box."""

    class Meta:
        model = Revision
        fields = ("note",)
        widgets = {"note": forms.TextInput(attrs={"class": "vTextField"})}
        labels = {"note": "What changed (optional, kept with the revision)"}
        help_texts = {"note": "For example: “Updated the dosing table after the 2025 review.”"}
        error_messages = {
            "note": {"max_length": "Keep the note to %(limit_value)d characters (it has %(show_value)d)."}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser would silently cut pasted text at the limit; the message says it instead.
        self.fields["note"].widget.attrs.pop("maxlength", None)


class ReviewForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you checked, and against which evidence (for example the reviews and trials cited). "
        "Staff only; readers see the date.",
    )
    next_review_due = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        due = self.fields["next_review_due"]
        due.initial = default_next_review(timezone.localdate())
        # Written as the page writes dates: the date field shows the browser's format.
        due.help_text = (
            f"{date_format(due.initial, 'j F Y')}, {REVIEW_INTERVAL_MONTHS} months from today, "
            "unless you choose another day. Shown to readers."
        )

    def clean_next_review_due(self):
        due = self.cleaned_data["next_review_due"]
        if due <= timezone.localdate():
            raise forms.ValidationError("Choose a day after today: the review you are recording is today's.")
        return due
