"""`manage.py create_staff` makes a staff account in the right group and a
link, good once, where its owner chooses their password."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

NEW_PASSWORD = "a long and unusual passphrase 7"


def create_staff(*args):
    output = io.StringIO()
    call_command("create_staff", *args, stdout=output)
    return output.getvalue()


def link_path(output, settings):
    return re.search(re.escape(settings.SITE_URL) + r"(/admin/password/set/\S+/)", output).group(1)


@pytest.mark.parametrize(
    "role, group", [("--editor", "Editors"), ("--moderator", "Moderators"), ("--reviewer", "Reviewers")]
)
def test_the_account_is_staff_in_the_chosen_group_without_a_password(db, role, group):
    create_staff("sam", role)
    user = get_user_model().objects.get(username="sam")
    assert (user.is_staff, user.is_superuser, user.has_usable_password()) == (True, False, False)
    assert list(user.groups.values_list("name", flat=True)) == [group]


def test_the_link_sets_the_password_once(client, db, settings):
    path = link_path(create_staff("sam", "--editor"), settings)
    form = client.get(path, follow=True)
    assert "Enter new password" in form.content.decode()
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/admin/password/set/done/"
    assert get_user_model().objects.get(username="sam").check_password(NEW_PASSWORD)
    again = client.get(path, follow=True).content.decode()
    assert "The password reset link was invalid" in again


def test_a_role_is_required(db):
    with pytest.raises(CommandError, match="Choose a role"):
        create_staff("sam")


def test_an_existing_name_is_refused(db, editor):
    with pytest.raises(CommandError, match="exists already"):
        create_staff("editor", "--moderator")
