"""Guessing a staff password: a few wrong tries lock that account for that
address, and a locked-out attempt costs the server no password hash."""

import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command

LOGIN = "/admin/login/"


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting the hashes it computes."""

    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def counted_hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.AXES_FAILURE_LIMIT = 5
    CountingHasher.computed = 0


def sign_in(client, password, address="192.0.2.10", username="staff", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers
    )


def fail_five_times(client, **kwargs):
    for _ in range(5):
        sign_in(client, "wrong", **kwargs)


def test_the_right_password_signs_in(client, staff_user):
    assert sign_in(client, "pw").status_code == 302


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, staff_user):
    fail_five_times(client)
    response = sign_in(client, "pw")
    assert response.status_code == 429
    assert "too many failed sign-ins to this account from your address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_out_attempt_computes_no_password_hash(client, staff_user):
    fail_five_times(client)
    CountingHasher.computed = 0
    sign_in(client, "pw")
    sign_in(client, "another guess")
    assert CountingHasher.computed == 0


def test_a_wrong_password_before_the_lock_is_hashed(client, staff_user):
    """The count above is zero because of the lock, not because hashes go uncounted."""
    sign_in(client, "wrong")
    assert CountingHasher.computed > 0


def test_the_lock_holds_for_that_address_only(client, staff_user):
    fail_five_times(client, address="192.0.2.10")
    assert sign_in(client, "pw", address="198.51.100.7").status_code == 302


def test_the_lock_uses_the_client_address_the_comment_rate_limit_uses(client, staff_user, settings):
    """Behind a trusted proxy, readers are told apart by X-Forwarded-For, not the proxy's address."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    fail_five_times(client, address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert sign_in(client, "pw", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"


def test_a_sign_in_whose_forwarded_address_cannot_be_read_gets_the_bad_request_page(client, staff_user, settings):
    """Counting such a client as the proxy would let anyone lock every account for every reader."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = sign_in(client, "pw", address="10.0.0.2", HTTP_X_FORWARDED_FOR="garbage")
    assert response.status_code == 400
    assert "Your request could not be read" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_are_recorded_for_the_admin(client, admin_client, staff_user):
    fail_five_times(client)
    page = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "staff" in page
    assert "192.0.2.10" in page


def test_an_administrator_can_unlock_an_account(client, staff_user):
    fail_five_times(client)
    call_command("axes_reset_username", "staff", stdout=io.StringIO())
    assert sign_in(client, "pw").status_code == 302


def test_an_ipv6_client_is_locked_out_across_its_64_network(client, staff_user):
    fail_five_times(client, address="2001:db8:5:6::1")
    assert sign_in(client, "pw", address="2001:db8:5:6::beef").status_code == 429
    assert sign_in(client, "pw", address="2001:db8:5:7::1").status_code == 302
