"""Ten moderation decisions in a row, from the queue's page load: the keys a
moderator presses and the page loads by keyboard, the clicks (and the
scrolls they need) and the page loads by mouse.

    .venv/bin/python -m bench.moderation_walk http://127.0.0.1:8000 USERNAME PASSWORD

against a running server whose queue holds at least twenty pending comments:
each walk approves ten of them. USERNAME is a moderator without a second
factor. Chromium is CHROMIUM_PATH's, or Playwright's own.

By keyboard the walk does what a moderator would: on an undecided comment it
presses `a`; elsewhere in the list `j`; from the page as it loads it first
tries `a`, and if nothing happens, Tabs into the list. By mouse it clicks
the first undecided comment's Approve, scrolling to it when it is out of
sight. The browser test of the queue holds the keyboard's count.
"""

import json
import os
import sys

from playwright.sync_api import TimeoutError, sync_playwright

DECISIONS = 10
QUEUE = "/admin/comments/comment/"

# Where focus is, as a moderator sees it: on an undecided comment, elsewhere
# in the list, or outside it.
FOCUS = """() => {
  const row = document.activeElement && document.activeElement.closest("#result_list tr");
  const entry = row && row.querySelector("[data-queue-entry]");
  if (!row) return "outside";
  const undecided = entry && entry.dataset.status === "pending" && !entry.classList.contains("queue-entry--folded");
  return undecided ? "undecided" : "list";
}"""
SETTLED = "() => !document.querySelector('[data-queue-entry][aria-busy=true]')"
FIRST_UNDECIDED = "[data-queue-entry][data-status=pending]:not(.queue-entry--folded)"
IN_SIGHT = (
    "element => { const box = element.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }"
)


class Loads:
    def __init__(self, page):
        self.count = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.count += 1


def _decision(response):
    return response.request.method == "POST" and response.url.endswith("/decide/")


def _press_for_decision(page, key, *, timeout):
    """Press `key`; True once a decision it made has been shown, False if it made none."""
    try:
        with page.expect_response(_decision, timeout=timeout):
            page.keyboard.press(key)
    except TimeoutError:
        return False
    page.wait_for_function(SETTLED)
    return True


def keyboard_walk(page, decisions=DECISIONS):
    """From the queue just loaded in `page`: {"keys": …, "page_loads": …} for `decisions` approvals."""
    loads, keys, made, tried = Loads(page), 0, 0, False
    while made < decisions:
        focus = page.evaluate(FOCUS)
        keys += 1
        if focus == "undecided":
            if not _press_for_decision(page, "a", timeout=10_000):
                raise RuntimeError("Pressing a on an undecided comment decided nothing.")
            made += 1
        elif focus == "list":
            page.keyboard.press("j")
        elif not tried:
            tried = True
            made += _press_for_decision(page, "a", timeout=2_000)
        else:
            page.keyboard.press("Tab")
    return {"keys": keys, "page_loads": loads.count}


def mouse_walk(page, decisions=DECISIONS):
    """From the queue just loaded in `page`: {"clicks": …, "scrolls": …, "page_loads": …}."""
    loads, clicks, scrolls = Loads(page), 0, 0
    for _ in range(decisions):
        button = page.locator(FIRST_UNDECIDED).first.get_by_role("button", name="Approve")
        if not button.evaluate(IN_SIGHT):
            scrolls += 1
            button.scroll_into_view_if_needed()
        with page.expect_response(_decision):
            button.click()
            clicks += 1
        page.wait_for_function(SETTLED)
    return {"clicks": clicks, "scrolls": scrolls, "page_loads": loads.count}


def log_in(page, username, password):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def open_queue(page):
    page.goto(QUEUE)
    # The script listens for keys once it shows the shortcuts' switch.
    page.get_by_label("Keyboard shortcuts").wait_for()


def main(url, username, password):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH") or None)
        page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 900})
        log_in(page, username, password)
        open_queue(page)
        keyboard = keyboard_walk(page)
        open_queue(page)
        mouse = mouse_walk(page)
        browser.close()
    print(json.dumps({"keyboard": keyboard, "mouse": mouse}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
