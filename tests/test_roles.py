"""Each staff group holds exactly its role's permissions (staff/roles.py),
made so by every `migrate`."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from staff.roles import ROLES


def held(group_name):
    permissions = Group.objects.get(name=group_name).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def migrate():
    call_command("migrate", verbosity=0)


@pytest.mark.parametrize("group_name", ROLES)
def test_after_migrate_each_group_holds_exactly_its_roles_permissions(db, group_name):
    assert held(group_name) == ROLES[group_name]


@pytest.mark.parametrize("permission", sorted(set().union(*ROLES.values())))
def test_every_permission_a_role_names_exists(db, permission):
    app_label, codename = permission.split(".")
    assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()


def test_a_permission_removed_by_hand_comes_back_with_the_next_migrate(db):
    moderators = Group.objects.get(name="Moderators")
    moderators.permissions.remove(Permission.objects.get(codename="moderate_comment"))
    migrate()
    assert held("Moderators") == ROLES["Moderators"]


def test_a_permission_added_by_hand_goes_with_the_next_migrate(db):
    Group.objects.get(name="Reviewers").permissions.add(Permission.objects.get(codename="delete_article"))
    migrate()
    assert held("Reviewers") == ROLES["Reviewers"]


def test_a_deleted_group_is_made_again_by_the_next_migrate(db):
    Group.objects.filter(name="Editors").delete()
    migrate()
    assert held("Editors") == ROLES["Editors"]


def test_migrating_again_keeps_the_groups_and_their_members(db, editor):
    migrate()
    migrate()
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES)
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
