"""Staff sign in with a password and a code from an authenticator app:
required in production, optional locally."""

import io
import re
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

ENROL = "/admin/second-factor/"
VERIFY = "/admin/second-factor/code/"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def sent_to(client, path):
    """Where a request for `path` ends up after its redirects."""
    return unquote(client.get(path, follow=True).redirect_chain[-1][0])


def current_code(device, steps_ago=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=-steps_ago):06d}"


@pytest.fixture
def enrolled(staff_client, editor, required):
    """An editor who set up the app and got backup codes, then signed in again."""
    staff_client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)
    # A code is good once: enrol with the one before the current (the app's
    # clock may lag by a step), so that the tests can sign in with the current one.
    page = staff_client.post(ENROL, {"code": current_code(device, steps_ago=1)}).content.decode()
    staff_client.logout()
    staff_client.force_login(editor)
    return re.findall(r"<li><code>(\w+)</code></li>", page)


def test_where_required_a_password_alone_leads_to_enrolment(staff_client, required):
    assert sent_to(staff_client, "/admin/") == f"{ENROL}?next=/admin/"


def test_enrolment_shows_a_qr_code_and_the_key(staff_client, editor, required):
    page = staff_client.get(ENROL).content.decode()
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    assert '<img src="data:image/svg+xml;base64,' in page
    assert TOTPDevice.objects.get(user=editor, confirmed=False).config_url.count(secret) == 1


def test_confirming_a_code_gives_ten_backup_codes_and_the_admin(staff_client, editor, required):
    staff_client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)
    page = staff_client.post(ENROL, {"code": current_code(device)}).content.decode()
    assert len(re.findall(r"<li><code>\w+</code></li>", page)) == 10
    assert staff_client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_enrol(staff_client, editor, required):
    staff_client.get(ENROL)
    page = staff_client.post(ENROL, {"code": "000000"}).content.decode()
    assert "That code is not right" in page
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


def test_where_required_an_enrolled_password_alone_leads_to_the_code_page(staff_client, enrolled):
    assert sent_to(staff_client, "/admin/articles/") == f"{VERIFY}?next=/admin/articles/"


def test_the_apps_code_opens_the_admin(staff_client, editor, enrolled):
    response = staff_client.post(VERIFY, {"code": current_code(TOTPDevice.objects.get(user=editor)), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert staff_client.get("/admin/").status_code == 200


def test_a_backup_code_works_once(staff_client, editor, enrolled):
    staff_client.post(VERIFY, {"code": enrolled[0]})
    assert staff_client.get("/admin/").status_code == 200
    staff_client.logout()
    staff_client.force_login(editor)
    page = staff_client.post(VERIFY, {"code": enrolled[0]}).content.decode()
    assert "That code is not right, or was used already." in page
    assert StaticToken.objects.filter(device__user=editor).count() == 9


def test_locally_a_password_is_enough(staff_client, settings):
    settings.OTP_REQUIRED = False
    assert staff_client.get("/admin/").status_code == 200


def test_resetting_a_lost_device_starts_enrolment_again(staff_client, editor, enrolled):
    call_command("reset_second_factor", "editor", stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert sent_to(staff_client, "/admin/").startswith(ENROL)
