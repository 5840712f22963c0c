"""docs/configuration.md lists every environment variable the code reads,
each once, and nothing else, so the list cannot drift from the code."""

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION = ROOT / "docs" / "configuration.md"
# The project's code, without the tests, plus the one browser lookup the
# Makefile shares with them.
NOT_CODE = {".venv", "tests", "staticfiles", "artifacts"}
BROWSER_LOOKUP = ROOT / "tests" / "browser" / "chromium.py"
ENV_READERS = {"string", "integer", "boolean", "items", "choice", "url", "networks"}
TABLE_ROW = re.compile(r"^\| *`[A-Z][A-Z0-9_]*`")


def code_files():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in NOT_CODE and not any(part.startswith(".") for part in parts):
            yield path
    yield BROWSER_LOOKUP


def is_environ(node):
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variable_read(node):
    """The name a call or subscript reads from the environment, if it does:
    env.integer("NAME", ...), os.environ.get("NAME"), os.getenv("NAME"), os.environ["NAME"]."""
    if isinstance(node, ast.Subscript) and is_environ(node.value) and isinstance(node.ctx, ast.Load):
        argument = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        function = node.func
        reads = (
            (isinstance(function.value, ast.Name) and function.value.id == "env" and function.attr in ENV_READERS)
            or (function.attr == "get" and is_environ(function.value))
            or function.attr == "getenv"
        )
        if not reads:
            return None
        argument = node.args[0]
    else:
        return None
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def variables_read():
    names = set()
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if name := variable_read(node):
                names.add(name)
    # Variables the Makefile lets the caller set (`NAME ?= default`).
    names.update(re.findall(r"^([A-Z][A-Z0-9_]*) \?=", (ROOT / "Makefile").read_text(), re.M))
    return names


def variables_listed(path):
    return [
        name
        for line in path.read_text().splitlines()
        if TABLE_ROW.match(line)
        for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1])
    ]


def test_settings_read_the_variables_the_parser_finds():
    """The parser sees settings.py's reads at all, so the tests below compare something."""
    assert {"DJANGO_ENV", "SECRET_KEY", "COMMENTS_RATE_LIMIT", "WEB_BIND", "PORT"} <= variables_read()


def test_every_variable_the_code_reads_is_listed_in_the_configuration():
    assert variables_read() - set(variables_listed(CONFIGURATION)) == set()


def test_every_variable_the_configuration_lists_is_read_by_the_code():
    assert set(variables_listed(CONFIGURATION)) - variables_read() == set()


def test_the_configuration_lists_each_variable_once():
    assert [name for name, count in Counter(variables_listed(CONFIGURATION)).items() if count > 1] == []


def test_no_other_page_lists_variables():
    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    assert {
        page.name: variables_listed(page) for page in pages if page != CONFIGURATION and variables_listed(page)
    } == {}
