import functools
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, LayoutObject
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.template.loader import render_to_string
from django.urls import reverse

from . import replies, spam, text
from .models import SITE_TEAM_NAME, Comment, ModeratorNotices


class Partial(LayoutObject):
    """A template of ours in the layout, rendered with the form's context."""

    def __init__(self, template):
        self.template = template

    def render(self, form, context, **kwargs):
        return render_to_string(self.template, context.flatten())


def refuse_control_characters(value):
    if re.search(text.CONTROL_CHARACTERS, value):
        raise forms.ValidationError(
            "Remove the invisible control characters (such as escape codes pasted from a terminal).",
            code="control_characters",
        )


def signs_as_the_site(name):
    """Whether a name is the site team's or the site's own, folded as the
    blocklist folds text (so no look-alike letter or invisible character
    disguises it) and without spaces or punctuation."""

    def folded(value):
        return re.sub(r"[\W_]", "", spam.for_matching(value))

    return folded(name) in {folded(SITE_TEAM_NAME), folded(settings.SITE_NAME)} - {""}


def clean_body(value):
    refuse_control_characters(value)
    body = text.normalise(value)
    if not body:
        raise forms.ValidationError("Enter your comment.", code="required")
    if len(body) > text.MAX_LENGTH:
        raise forms.ValidationError(
            "Comments can be at most %(limit)d characters (you wrote %(count)d).",
            code="max_length",
            params={"limit": text.MAX_LENGTH, "count": len(body)},
        )
    return body


NOTICES = ("notify_on_publish", "notify_on_reply")


class CommentForm(forms.ModelForm):
    """The reader's fields, and a honeypot that people never see: filling it
    in holds the comment as spam for a moderator to look at. Nothing in the
    form is particular to one visitor, so every reader gets the same page."""

    max_length = text.MAX_LENGTH

    body = forms.CharField(
        label="Comment",
        # The reader's exact input is kept for re-display; clean_body() applies
        # the normalising rule itself.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        # Readers used to Markdown would otherwise expect **bold** or
        # [text](address) to format; here they show exactly as typed.
        help_text=(
            "Plain text: formatting such as **bold** shows exactly as typed; "
            f"web addresses become links. You can enter up to {text.MAX_LENGTH} characters."
        ),
        error_messages={"required": "Enter your comment."},
    )
    reply_to = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "The comment you are replying to is no longer published."},
    )
    website = forms.CharField(label="Leave this field empty", required=False)

    class Meta:
        model = Comment
        fields = ("name", "email", "body", "notify_on_publish", "notify_on_reply")
        labels = {
            "name": "Name",
            "email": "Email",
            "notify_on_publish": "Email me when my comment is published",
            "notify_on_reply": "Email me when someone replies",
        }
        help_texts = {
            "name": "",
            "email": "Never published publicly.",
            "notify_on_publish": "One email, to the address above, when a moderator approves your comment.",
            "notify_on_reply": "One email per published reply. Every email has a link to stop them.",
        }
        error_messages = {
            "name": {
                "required": "Enter your name.",
                "max_length": "Names can be at most %(limit_value)d characters (you wrote %(show_value)d).",
            },
            "email": {
                "required": "Enter your email address.",
                "invalid": "Enter an email address in the correct format, like name@example.com.",
                "max_length": "Email addresses can be at most %(limit_value)d characters (you wrote %(show_value)d).",
            },
        }

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["reply_to"].queryset = Comment.objects.public().filter(article=article)
        # Only the site team's replies go without an address.
        self.fields["email"].required = True
        if not settings.COMMENTS_EMAILS:
            for name in NOTICES:
                del self.fields[name]
        for name in ("name", "email"):
            # The server enforces every limit with a message; the browser
            # silently cutting pasted text would lose the reader's input.
            self.fields[name].widget.attrs.pop("maxlength", None)

    @functools.cached_property
    def helper(self):
        """How crispy lays the form out; built only when the form is shown, not for every post."""
        helper = FormHelper()
        helper.form_id = "comment-form"
        helper.form_class = "comment-form"
        helper.form_action = reverse("comments:post", kwargs={"slug": self.article.slug})
        helper.attrs = {"novalidate": ""}
        # No token: the post is guarded by where it comes from (web/cross_origin.py).
        helper.disable_csrf = True
        helper.layout = Layout(
            Field("name", autocomplete="name"),
            Field("email", autocomplete="email", spellcheck="false"),
            Field("body"),
            Partial("comments/_char_count.html"),
            *(Field(name) for name in NOTICES if name in self.fields),
            Div(
                Field("website", tabindex="-1", autocomplete="off"),
                css_class="comment-form__trap",
                aria_hidden="true",
            ),
            Field("reply_to"),
            Partial("comments/_form_actions.html"),
        )
        return helper

    @property
    def is_reply(self):
        return bool(self["reply_to"].value())

    @property
    def body_length(self):
        return text.length(self["body"].value() or "")

    @property
    def body_over_limit(self):
        return max(0, self.body_length - text.MAX_LENGTH)

    def clean_name(self):
        name = self.cleaned_data["name"]
        if signs_as_the_site(name):
            raise forms.ValidationError(
                "That name is reserved for the site team. Please sign with your own name.", code="reserved"
            )
        return name

    def clean_body(self):
        return clean_body(self.cleaned_data["body"])

    def clean(self):
        # Every text a reader sends, not only the body: the database refuses
        # control characters in all that it stores.
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str):
                try:
                    refuse_control_characters(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return self.cleaned_data

    def _post_clean(self):
        """Model validation without the model's check constraints. Django
        checks each with a database query, a fifth of a post's time, and here
        none can fail: clean_body() has enforced the body's two (newlines as
        LF, the length limit), clean() the one against control characters,
        the other two concern fields a reader never sets, and the database
        enforces all five when the comment is stored."""
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)

    def save(self, commit=True):
        comment = super().save(commit=False)
        if self.cleaned_data.get("reply_to"):
            replies.place(comment, answering=self.cleaned_data["reply_to"])
        if commit:
            comment.save()
        return comment

    def spam_reasons(self):
        data = self.cleaned_data
        return spam.spam_reasons(
            name=data["name"],
            email=data["email"],
            body=data["body"],
            honeypot=data["website"],
        )

    def review_reasons(self):
        return spam.review_reasons(body=self.cleaned_data["body"])


EMPTY_CORRECTION = "Enter the comment's text. To take the whole comment down, reject it instead."


def clean_correction(value):
    """A moderator's new text for a comment: the reader's checks, with what to do instead of emptying it."""
    if not text.normalise(value):
        raise forms.ValidationError(EMPTY_CORRECTION, code="required")
    return clean_body(value)


class CommentAdminForm(forms.ModelForm):
    """The comment's admin page: a moderator may correct the text, which
    must pass the checks a reader's does."""

    body = forms.CharField(
        label="Text",
        # As typed, so that refused text comes back whole.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        help_text="Correct the reader's text, for instance to take out a phone number or a shop's link: readers "
        "then see the comment marked “Edited by the site team”, and the decisions below keep the text it had. "
        f"Up to {text.MAX_LENGTH} characters.",
        error_messages={"required": EMPTY_CORRECTION},
    )

    def clean_body(self):
        return clean_correction(self.cleaned_data["body"])


class SiteReplyForm(forms.Form):
    """The site team's reply: text only; it is signed as the site."""

    max_length = text.MAX_LENGTH

    body = forms.CharField(
        label="Reply as the site team",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=f"Published at once, signed “{SITE_TEAM_NAME}”. Up to {text.MAX_LENGTH} characters.",
        error_messages={"required": "Enter your reply."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page holds the form element and its buttons (reply; approve and reply).
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("body"))

    def clean_body(self):
        return clean_body(self.cleaned_data["body"])


class ModeratorNoticesForm(forms.ModelForm):
    class Meta:
        model = ModeratorNotices
        fields = ("held_spam",)
