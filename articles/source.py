"""Turns the owner's plain-text article into a title, sections and a disclaimer.

The supplied text is flat: headings are the short lines without a final full
stop or colon, list items start with "•", and nesting was lost. The parser
restores the page's structure; the wording is passed through unchanged.
"""

from dataclasses import dataclass, field

BULLET = "•"
DISCLAIMER_PREFIX = "Educational Disclaimer:"
COMMENTS_HEADING = "Comments"
MAX_HEADING_LENGTH = 100

# Urgent safety text, shown as a warning callout with its wording unchanged.
URGENT_SENTENCES = frozenset(
    {
        "Anyone experiencing trouble breathing, chest pain, severe rash, or rapidly worsening swelling after an "
        "injection should stop further doses and seek urgent medical attention.",
    }
)

# The source's second-level headings; every other heading starts a section.
SUBHEADINGS = frozenset(
    {
        "Areas with stronger human evidence",
        "Areas with early or limited evidence",
        "Speculative or marketing-heavy claims",
        "Animal and preclinical studies",
        "Human clinical trials and case series",
        "Common, usually mild side effects",
        "Less common but notable adverse effects",
        "Rare but serious reactions",
    }
)


@dataclass
class ParsedSection:
    heading: str
    blocks: list = field(default_factory=list)


@dataclass
class ParsedArticle:
    sections: list
    disclaimer: str


def is_heading(line):
    return len(line) <= MAX_HEADING_LENGTH and not line.endswith((".", ":"))


def parse(text, links=None):
    """Parse the article; `links` maps a phrase to the URL it should link to."""
    sections, disclaimer, items = [], "", []

    def flush_list():
        if items:
            sections[-1].blocks.append(list_markdown(items))
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(BULLET):
            items.append(line.removeprefix(BULLET).strip())
            continue
        flush_list()
        if line == COMMENTS_HEADING:
            break
        if line.startswith(DISCLAIMER_PREFIX):
            disclaimer = line
        elif line in SUBHEADINGS:
            sections[-1].blocks.append(f"### {line}")
        elif is_heading(line):
            sections.append(ParsedSection(heading=line))
        elif line in URGENT_SENTENCES:
            sections[-1].blocks.append(warning_callout(line))
        else:
            sections[-1].blocks.append(link_phrases(line, links or {}))
    flush_list()
    return ParsedArticle(
        sections=[(s.heading, "\n\n".join(s.blocks)) for s in sections],
        disclaimer=disclaimer,
    )


def list_markdown(items):
    """A Markdown list, with the nesting the original page had.

    An item ending with a colon ("Sepsis:") introduces the sentences after it.
    In a list that opens with a topic without a full stop followed by a
    sentence ("Chronic viral hepatitis (...)", "Multiple randomized trials..."),
    every topic introduces the sentences after it.
    """
    topics = len(items) > 1 and not items[0].endswith(".") and items[1].endswith(".")
    lines, nested = [], False
    for item in items:
        if item.endswith(":") or (topics and not item.endswith(".")):
            lines.append(f"- {item}")
            nested = True
        elif nested and item.endswith("."):
            lines.append(f"  - {item}")
        else:
            lines.append(f"- {item}")
            nested = False
    return "\n".join(lines)


def warning_callout(text):
    return f"> [!WARNING]\n> {text}"


def link_phrases(line, links):
    for phrase, url in links.items():
        if phrase in line:
            line = line.replace(phrase, f"[{phrase}]({url})", 1)
    return line
