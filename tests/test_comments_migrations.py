"""Migrations of the comments app keep what was there."""

import hashlib

import pytest
from django.db.migrations.exceptions import IrreversibleError
from migrating import migrate_to, migrate_to_latest

from outbox import opt_outs
from outbox.models import EmailOptOut

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_KEYED_OPT_OUTS = ("comments", "0010_reader_fields_without_control_characters")


@pytest.fixture
def opted_out_before_keying():
    """An address on the opt-out list as it was kept before: its plain SHA-256."""
    apps = migrate_to(BEFORE_KEYED_OPT_OUTS)
    address = "Pat@Example.org"
    plain = hashlib.sha256(address.strip().casefold().encode()).hexdigest()
    apps.get_model("comments", "EmailOptOut").objects.create(address_hash=plain)
    migrate_to_latest()
    yield address, plain
    # A test that went back leaves the outbox's tables where the comments app had them.
    migrate_to_latest()


def test_an_address_opted_out_before_the_keying_is_still_opted_out(opted_out_before_keying):
    address, _ = opted_out_before_keying
    assert opt_outs.opted_out(address)


def test_the_keying_leaves_no_plain_digest(opted_out_before_keying):
    _, plain = opted_out_before_keying
    assert list(EmailOptOut.objects.values_list("address_hash", flat=True)) != [plain]
    assert EmailOptOut.objects.count() == 1


def test_going_back_before_the_keying_is_refused_while_it_would_lose_opt_outs(opted_out_before_keying):
    with pytest.raises(IrreversibleError):
        migrate_to(BEFORE_KEYED_OPT_OUTS)
