"""The pinned versions `make` installs stay within the ranges pyproject.toml declares."""

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def pinned_versions():
    pins = {}
    for lock in ("requirements.lock", "requirements-dev.lock"):
        for line in (ROOT / lock).read_text().splitlines():
            if "==" in line:
                name, version = line.split("==")
                pins[canonicalize_name(name)] = version.strip()
    return pins


def declared_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"] + project["optional-dependencies"]["test"]]


@pytest.mark.parametrize("requirement", declared_requirements(), ids=str)
def test_every_declared_dependency_is_pinned_within_its_range(requirement):
    version = pinned_versions().get(canonicalize_name(requirement.name))
    assert version is not None, f"{requirement.name} is not pinned in the lock files"
    assert requirement.specifier.contains(version, prereleases=True)
