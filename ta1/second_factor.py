"""A second factor for staff: an authenticator app (TOTP) plus single-use
backup codes, through django-otp.

With OTP_REQUIRED (on in production) a staff member's password alone opens
nothing that needs an account, in the admin or outside it: one without a
device is sent to set one up, one with a device is asked for a code. Locally it is optional, so a fresh clone's admin
works with a password, and anyone can try enrolment from the admin's index.
"""

import base64
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from web.links import safe_next

BACKUP_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="The six digits your authenticator app shows now, or one of your backup codes.",
    )


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def reset(user):
    """Forget every device of `user`: their next sign-in starts enrolment again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def _qr_code(device):
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    # An <img> with a data: URL: the page's Content-Security-Policy allows
    # those for images, and nothing in it can run.
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _next(request):
    return safe_next(request, reverse("admin:index"))


@staff_member_required
def enrol(request):
    if has_device(request.user):
        return render(request, "admin/second_factor/enrolled.html", {"title": "Second factor"})
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=APP_DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            codes = _confirm(device)
            otp_login(request, device)
            context = {"title": "Your backup codes", "codes": codes, "next": _next(request)}
            return render(request, "admin/second_factor/backup_codes.html", context)
        form.add_error("code", "That code is not right. Check the time on your phone and enter the code it shows now.")
    context = {
        "title": "Set up a second factor",
        "form": form,
        "qr_code": _qr_code(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next(request),
    }
    return render(request, "admin/second_factor/enrol.html", context)


def _confirm(device):
    with transaction.atomic():
        device.confirmed = True
        device.save()
        backup, _ = StaticDevice.objects.get_or_create(user=device.user, name=BACKUP_DEVICE_NAME)
        backup.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        backup.token_set.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


@staff_member_required
def verify(request):
    if not has_device(request.user):
        return redirect(f"{reverse('second_factor:enrol')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", "That code is not right, or was used already. Enter the code your app shows now.")
    return render(
        request, "admin/second_factor/verify.html", {"title": "Enter your code", "form": form, "next": _next(request)}
    )


# The only views an account reaches as itself before it enters a code:
# signing in and out, and setting up or entering the second factor.
SIGN_IN_VIEWS = frozenset({"admin:login", "admin:logout", "second_factor:enrol", "second_factor:verify"})


def _stranger():
    user = AnonymousUser()
    user.otp_device = None
    user.is_verified = lambda: False
    return user


class RequireSecondFactorMiddleware:
    """With OTP_REQUIRED, an account signed in with a password alone is
    anonymous to every view but the sign-in ones, wherever its URL lives.
    A staff view added later is guarded without being listed anywhere: it
    sees a stranger, and sends them to sign in, which asks for the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.OTP_REQUIRED or not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name not in SIGN_IN_VIEWS:
            request.user = _stranger()
            return None
        # The sign-in page is where every guarded view sends a stranger:
        # for a staff member who has only entered a password, it is the
        # code they still owe.
        if request.resolver_match.view_name == "admin:login" and request.method in ("GET", "HEAD") and user.is_staff:
            target = "second_factor:verify" if has_device(user) else "second_factor:enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': _next(request)})}")
        return None
