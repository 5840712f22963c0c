import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles.models import Article, Section


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # The suite runs without `collectstatic`; the manifest storage used in
    # production is exercised on its own in test_pages.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded_article(db):
    call_command("load_article", stdout=io.StringIO())
    return Article.objects.get(slug="thymosin-alpha-1")


@pytest.fixture
def dosing_chart(loaded_article):
    return Article.objects.get(slug="thymosin-alpha-1-dosing-chart")


@pytest.fixture
def article(db):
    return Article.objects.create(
        title="A test article",
        slug="a-test-article",
        summary="A short summary.",
        disclaimer="Educational Disclaimer: for testing.",
    )


@pytest.fixture
def section(article):
    return Section.objects.create(article=article, position=10, heading="First part", body="Some *text*.")


def _member_of(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _member_of(django_user_model, "editor", "Editors")


@pytest.fixture
def moderator(db, django_user_model):
    return _member_of(django_user_model, "moderator", "Moderators")


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user(username="staff", password="pw", is_staff=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
