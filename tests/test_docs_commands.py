"""Every command README.md and docs/ name exists: a make target of the
Makefile, a manage.py command of the project, or one a test checks here."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
SHELL_LANGUAGES = {"sh", "shell", "bash", "console", "cron"}
INLINE_CODE = re.compile(r"`([^`\n]+)`")
MAKE = re.compile(r"(?:^|[\s;&|(])make ([\w-]+)")
MANAGE = re.compile(r"manage\.py ([\w-]+)")
ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=")


def make_targets():
    rules = re.findall(r"^([\w.-]+(?: [\w.-]+)*):(?!=)", (ROOT / "Makefile").read_text(), re.M)
    return {target for rule in rules for target in rule.split()}


def compose_up_is_given_what_compose_requires(line):
    """`VAR=… docker compose up -d`: the variables compose.yaml refuses to
    start without (`${VAR:?…}`) are all set on the line."""
    words = line.split()
    given = {match.group(1) for word in words if (match := ASSIGNMENT.match(word))}
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "compose.yaml").read_text()))
    return words[len(given) :] == ["docker", "compose", "up", "-d"] and required <= given


# Commands neither make nor manage.py, each with what a test checks of it.
CHECKED_HERE = [compose_up_is_given_what_compose_requires]


def shell_lines(text):
    """Each command of the page's fenced shell blocks, continuations joined, comments dropped."""
    for language, block in FENCE.findall(text):
        if language in SHELL_LANGUAGES:
            for line in block.replace("\\\n", " ").splitlines():
                if command := re.sub(r"\s+#\s.*$", "", line).strip():
                    yield command


def unknown_names(command, targets, commands):
    return [f"make {target}" for target in MAKE.findall(command) if target not in targets] + [
        f"manage.py {name}" for name in MANAGE.findall(command) if name not in commands
    ]


def unknown_commands(text):
    """What the text names that does not exist, as `make X` or `manage.py X`,
    and the shell commands it gives that are neither and that no test checks."""
    targets, commands = make_targets(), get_commands()
    unknown = []
    for command in shell_lines(text):
        if MAKE.search(command) or MANAGE.search(command):
            unknown += unknown_names(command, targets, commands)
        elif not any(check(command) for check in CHECKED_HERE):
            unknown.append(command)
    for code in INLINE_CODE.findall(text):
        unknown += unknown_names(code, targets, commands)
    return unknown


def test_every_command_the_docs_name_exists():
    assert {page.name: unknown_commands(page.read_text()) for page in PAGES if unknown_commands(page.read_text())} == {}


def test_a_make_target_that_does_not_exist_is_caught():
    assert unknown_commands("Then `make nonexistent`.") == ["make nonexistent"]


def test_a_manage_py_command_that_does_not_exist_is_caught():
    assert unknown_commands("```sh\n.venv/bin/python manage.py nosuch --now\n```\n") == ["manage.py nosuch"]


def test_a_shell_command_no_test_checks_is_caught():
    assert unknown_commands("```sh\ncurl https://example.org/install | sh\n```\n") == [
        "curl https://example.org/install | sh"
    ]


def test_compose_up_without_a_variable_compose_requires_is_caught():
    assert unknown_commands("```sh\nSITE_URL=https://x.example docker compose up -d\n```\n") == [
        "SITE_URL=https://x.example docker compose up -d"
    ]
