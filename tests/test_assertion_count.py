"""A test that checks nothing fails, however it came to check nothing."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

CHECKS = """
import pytest


def test_an_assert_in_a_loop_that_never_runs():
    for attribute in []:
        assert attribute


def test_an_expected_exception():
    with pytest.raises(ZeroDivisionError):
        1 / 0


def test_a_plain_assert():
    assert 1 + 1 == 2
"""


def test_a_test_without_a_single_assertion_fails_and_the_others_pass(tmp_path):
    (tmp_path / "test_checks.py").write_text(CHECKS)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "assertion_count",
            "-c",
            "pyproject.toml",
            "--rootdir",
            ".",
            "-q",
            tmp_path,
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        "test_an_assert_in_a_loop_that_never_runs passed without checking anything: it ran no assertion." in run.stdout
    )
    assert "1 failed, 2 passed" in run.stdout
