"""Where the browser tests find Chromium. The one lookup, used by
tests/browser/conftest.py and by the Makefile before the suite starts
(`python tests/browser/chromium.py` prints the path, or one line saying what
to do and exits 1)."""

import os
import shutil
import sys

NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
MISSING = (
    "No Chromium for the browser tests: install it (Debian or Ubuntu: apt-get install chromium) "
    "or set CHROMIUM_PATH to a Chromium or Chrome program."
)


def find():
    """The browser's path: CHROMIUM_PATH if set, else the first of NAMES on PATH; None if there is none."""
    if configured := os.environ.get("CHROMIUM_PATH"):
        return shutil.which(configured)
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def missing_message():
    if configured := os.environ.get("CHROMIUM_PATH"):
        return f"CHROMIUM_PATH={configured} is not a program that can run. {MISSING}"
    return MISSING


if __name__ == "__main__":
    path = find()
    if path is None:
        sys.exit(missing_message())
    print(path)
