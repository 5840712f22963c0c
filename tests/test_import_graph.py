"""The project's packages stand in floors, each importing only from below:

    ta1       settings, URLs, middleware, platform: may import anything
    pages     the article page: the apps and web
    articles, comments, outbox   the apps: web, and one another (articles
              never comments, whose comments are about articles)
    web       shared HTTP helpers: no project package

Read from the source with `ast`, imports inside functions included.
Migrations are walked too: they are modules of their app and load with it.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ta1", "pages", "articles", "comments", "outbox", "web")
APPS = ("articles", "comments", "outbox")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path):
    """The dotted names of every module `path` imports, relative ones made absolute."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def imports_by_package():
    """{package: {(module, imported project package), ...}}."""
    graph = {package: set() for package in PACKAGES}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for imported in imported_modules(path):
                top = imported.split(".")[0]
                if top in PACKAGES and top != package:
                    graph[package].add((module_name(path), top))
    return graph


GRAPH = imports_by_package()


def offenders(packages, forbidden):
    return sorted((module, top) for package in packages for module, top in GRAPH[package] if top in forbidden)


def test_the_walk_sees_each_floor_import_from_the_floors_below():
    """So that the rules below cannot pass for want of imports read."""
    assert ("ta1.urls", "pages") in GRAPH["ta1"]
    assert ("pages.views", "articles") in GRAPH["pages"]
    assert ("comments.views", "web") in GRAPH["comments"]
    assert ("comments.views", "articles") in GRAPH["comments"]


def test_the_ground_floor_web_imports_no_project_package():
    assert offenders(["web"], PACKAGES) == []


def test_the_apps_import_nothing_from_ta1_or_pages():
    assert offenders(APPS, {"ta1", "pages"}) == []


def test_articles_never_imports_comments():
    assert offenders(["articles"], {"comments"}) == []


def test_the_article_page_imports_the_apps_and_web_but_not_ta1():
    assert offenders(["pages"], {"ta1"}) == []
