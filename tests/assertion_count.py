"""Every test must check something. pytest reports each passing `assert`
(enable_assertion_pass_hook in pyproject.toml); a test that finishes with
none, such as one whose only assert sits in a loop that never ran, fails.

A plugin of its own, loaded by conftest.py, so that a test can load it into
a separate pytest run and watch it fail a test.
"""

import pytest
from playwright._impl.assertions import AssertionsBase

_assertions = {"count": 0}


def count_assertion():
    _assertions["count"] += 1


def pytest_assertion_pass(item, lineno, orig, expl):
    count_assertion()


def _counted(check):
    # raises() and warns() fail the test when what they wait for never comes,
    # so calling one is an assertion.
    def counted(*args, **kwargs):
        count_assertion()
        return check(*args, **kwargs)

    return counted


def _counted_async(check):
    async def counted(*args, **kwargs):
        count_assertion()
        return await check(*args, **kwargs)

    return counted


pytest.raises = _counted(pytest.raises)
pytest.warns = _counted(pytest.warns)
# Playwright's expect() fails the test unless the page comes to match; every
# one of its checks goes through this method.
AssertionsBase._expect_impl = _counted_async(AssertionsBase._expect_impl)


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    return _counted(django_assert_num_queries)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    _assertions["count"] = 0
    result = yield
    if not _assertions["count"]:
        pytest.fail(f"{item.nodeid} passed without checking anything: it ran no assertion.", pytrace=False)
    return result
