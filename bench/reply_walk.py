"""What replying to one comment from the moderation queue costs a moderator:
the keys pressed (by keyboard) or the clicks (by mouse), and the pages the
browser loads, from the queue with the comment's entry in view (focused, for
the keyboard, as j and k leave it) until the reply is published. Typing the
reply itself counts as one step either way.

Against a running site whose queue holds at least two pending comments
(`make dev` seeds some), signed in as a moderator; each walk approves and
answers the oldest pending comment:

    .venv/bin/python bench/reply_walk.py http://127.0.0.1:8000 USERNAME PASSWORD

Not part of the tests: it only prints what it counted, as JSON.
"""

import json
import re
import sys

sys.path.insert(0, "tests/browser")

import chromium  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

QUEUE = "/admin/comments/comment/?status__exact=pending"
REPLY = "Thank you: the evidence section covers this."
SEND = re.compile(r"^(Approve and reply|Publish reply)$")
PUBLISHED = "Your reply as the site team is published."
# Far more than any page here has stops; a walk that needs more has lost its way.
MAX_TABS = 200


class Walk:
    def __init__(self, page):
        self.page, self.steps, self.loads = page, 0, 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def press(self, key):
        self.steps += 1
        self.page.keyboard.press(key)

    def tab_to(self, locator):
        for _ in range(MAX_TABS):
            if locator.evaluate("element => element === document.activeElement"):
                return
            self.press("Tab")
        raise RuntimeError(f"Tab never reached {locator}.")

    def click(self, locator):
        self.steps += 1
        locator.click()

    def type(self, text):
        self.steps += 1
        self.page.keyboard.insert_text(text)

    def report(self):
        return {"steps": self.steps, "page_loads": self.loads}


def oldest_pending_entry(page):
    page.goto(QUEUE)
    return page.locator("[data-queue-entry]").first


def by_keyboard(page):
    entry = oldest_pending_entry(page)
    entry.focus()
    walk = Walk(page)
    link = entry.locator(".queue-entry__reply")
    walk.tab_to(link)
    walk.press("Enter")
    body = page.locator("textarea:visible").first
    body.wait_for()
    walk.tab_to(body)
    walk.type(REPLY)
    walk.tab_to(page.get_by_role("button", name=SEND))
    walk.press("Enter")
    page.get_by_text(PUBLISHED).first.wait_for()
    page.wait_for_load_state()
    return walk.report()


def by_mouse(page):
    entry = oldest_pending_entry(page)
    walk = Walk(page)
    walk.click(entry.locator(".queue-entry__reply"))
    body = page.locator("textarea:visible").first
    body.wait_for()
    if not body.evaluate("element => element === document.activeElement"):
        walk.click(body)
    walk.type(REPLY)
    walk.click(page.get_by_role("button", name=SEND))
    page.get_by_text(PUBLISHED).first.wait_for()
    page.wait_for_load_state()
    return walk.report()


def signed_in(browser, url, username, password):
    page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 900})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def main(url, username, password):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium.find(), args=["--headless", "--no-sandbox"])
        results = {walk.__name__: walk(signed_in(browser, url, username, password)) for walk in (by_keyboard, by_mouse)}
        browser.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(*sys.argv[1:4])
