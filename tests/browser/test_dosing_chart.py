"""The dosing chart on a phone: one card per setting, nothing to scroll sideways; on paper, a table."""

from playwright.sync_api import expect

PHONE = 375


def test_on_a_phone_each_row_is_a_card_with_its_column_names_and_nothing_scrolls_sideways(
    open_page, screenshot, dosing_chart
):
    page = open_page(dosing_chart.get_absolute_url(), width=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    box = page.locator(".table-scroll")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    frequency = page.locator("td", has_text="Frequently twice weekly for many weeks")
    assert frequency.evaluate("el => getComputedStyle(el, '::before').content") == '"Frequency"'
    assert frequency.evaluate("el => getComputedStyle(el).display") == "block"
    screenshot(box, "dosing-chart-375-cards")


def test_printed_the_chart_is_a_table_with_its_header_row(open_page, dosing_chart):
    page = open_page(dosing_chart.get_absolute_url(), width=PHONE)
    page.emulate_media(media="print")
    assert page.locator("table").evaluate("el => getComputedStyle(el).display") == "table"
    expect(page.locator("thead th").first).to_be_visible()
