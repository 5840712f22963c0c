"""A reader finds their way around the article in a real browser."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments import counts, text
from comments.models import Comment, Status
from comments.moderation import approve


def test_article_loads_its_styles_from_the_site_itself_and_nothing_from_other_hosts(open_page, site):
    requests = []
    page = open_page("/")
    page.on("request", lambda request: requests.append(request.url))
    page.reload()
    assert requests and all(url.startswith(site.url) for url in requests)
    # Without the stylesheet the page would be the browser's transparent default.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"


@pytest.mark.parametrize(
    ("color_scheme", "width"), [("light", 1280), ("light", 375), ("light", 320), ("dark", 1280), ("dark", 375)]
)
def test_top_of_the_article_shows_its_title_and_first_words_without_sideways_scrolling(
    open_page, screenshot, loaded_article, color_scheme, width
):
    page = open_page("/", color_scheme=color_scheme, width=width)
    expect(page.get_by_role("heading", level=1)).to_have_text(loaded_article.title)
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    expect(page.locator(".article__section p").first).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"article-top-{width}-{color_scheme}")


def test_printed_article_leaves_out_the_navigation_and_comment_form_but_shows_the_whole_chart(open_page, dosing_chart):
    page = open_page("/")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="On this page")).to_be_hidden()
    expect(page.locator("#comment-form")).to_be_hidden()
    expect(page.get_by_role("complementary", name="Educational disclaimer")).to_be_visible()

    chart = open_page(dosing_chart.get_absolute_url(), width=375)
    chart.emulate_media(media="print")
    assert chart.locator(".table-scroll").evaluate("box => getComputedStyle(box).overflowX") == "visible"


@pytest.fixture
def long_discussion(site, loaded_article):
    """126 approved comments, one a minute, each its own thread: pages of fifty hold 1-50, 51-100 and 101-126."""
    start = timezone.now() - timedelta(days=1)
    Comment.objects.bulk_create(
        Comment(
            article=loaded_article,
            name=f"Reader {n}",
            email=f"reader{n}@example.org",
            body=f"Comment number {n}.",
            body_html=text.render(f"Comment number {n}."),
            status=Status.APPROVED,
            created_at=start + timedelta(minutes=n),
        )
        for n in range(1, 127)
    )
    counts.recount(loaded_article)
    return dict(enumerate(loaded_article.comments.order_by("created_at"), start=1))


def comments_on(page):
    return page.locator("#comments .comment-list")


def test_the_article_opens_on_the_newest_comments(open_page, long_discussion, assert_accessible):
    page = open_page("/")
    expect(comments_on(page)).to_contain_text("Comment number 126.")
    expect(comments_on(page)).not_to_contain_text("Comment number 100.")
    expect(page.get_by_role("navigation", name="Comment pages")).to_contain_text("Page 3 of 3")
    assert_accessible(page)


def test_older_comments_go_back_a_page_and_newer_comments_return_to_the_articles_address(
    open_page, long_discussion, loaded_article
):
    page = open_page("/", javascript=False)
    pages = page.get_by_role("navigation", name="Comment pages")
    pages.get_by_role("link", name="Older comments").click()
    expect(page).to_have_url(re.compile(r"\?page=2#comments$"))
    expect(comments_on(page)).to_contain_text("Comment number 51.")
    expect(comments_on(page)).not_to_contain_text("Comment number 101.")
    pages.get_by_role("link", name="Newer comments").click()
    expect(page).to_have_url(re.compile(rf"{loaded_article.get_absolute_url()}#comments$"))
    expect(comments_on(page)).to_contain_text("Comment number 126.")


def test_a_permalink_to_the_newest_comment_opens_the_articles_own_address_at_it(open_page, long_discussion):
    newest = long_discussion[126]
    page = open_page(newest.get_absolute_url())
    expect(page).to_have_url(re.compile(rf"{newest.article.get_absolute_url()}#comment-{newest.pk}$"))
    expect(page.locator(f"#comment-{newest.pk}")).to_be_in_viewport()


def test_a_permalink_to_the_first_comment_opens_the_oldest_page_at_it(open_page, long_discussion, assert_accessible):
    first = long_discussion[1]
    page = open_page(first.get_absolute_url())
    expect(page).to_have_url(re.compile(rf"\?page=1#comment-{first.pk}$"))
    expect(page.locator(f"#comment-{first.pk}")).to_contain_text("Comment number 1.")
    expect(page.locator(f"#comment-{first.pk}")).to_be_in_viewport()
    assert_accessible(page)


def test_a_commenter_sees_the_newest_comments_above_their_own_and_finds_it_at_the_article_once_approved(
    open_page, fill_comment, long_discussion, moderator
):
    page = open_page("/")
    fill_comment(page, "Does the newest page show mine?")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"/comments/received/"))
    expect(comments_on(page)).to_contain_text("Comment number 126.")
    expect(page.locator("#comments .comment--pending")).to_contain_text("Does the newest page show mine?")
    approve(Comment.objects.get(body="Does the newest page show mine?"), by=moderator)
    later = open_page("/")
    expect(comments_on(later)).to_contain_text("Does the newest page show mine?")
