"""What changed between two revisions, word by word, for a person to read.

Returns plain data (templates/admin/articles/article/_comparison.html shows
it): each text as a list of (kind, text) parts, kind being "same", "ins" or
"del". Sections are matched by their key, so a renamed section is one that
changed, and a section that left its place among the others is shown as moved.
"""

import difflib
import re
from dataclasses import dataclass, field

FIELD_LABELS = {
    "title": "Title",
    "slug": "Address (slug)",
    "summary": "Summary",
    "is_published": "Visible to readers",
    "disclaimer": "Disclaimer",
}
# Words, runs of white space, and single other characters: Markdown marks
# such as "*" or "|" change on their own without swallowing the word beside them.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def words(old, new):
    """The word-level difference of two texts as (kind, text) parts.

    Changed words separated only by white space read as one change
    ("<del>a short</del><ins>the second</ins>"), not as a patchwork.
    """
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged = []
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal" and 0 < n < len(opcodes) - 1 and "".join(a[i1:i2]).isspace():
            op = "replace"
        if op != "equal" and merged and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((op, i1, i2, j1, j2))
    parts = []
    for op, i1, i2, j1, j2 in merged:
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("ins", "".join(b[j1:j2])))
    return parts


@dataclass
class FieldChange:
    label: str
    parts: list


@dataclass
class SectionChange:
    heading: str
    anchor: str
    status: str  # "added", "removed", "changed" or "unchanged"
    old_number: int | None = None
    new_number: int | None = None
    moved: bool = False
    fields: list = field(default_factory=list)


@dataclass
class Comparison:
    fields: list
    sections: list

    @property
    def changed_sections(self):
        return [s for s in self.sections if s.status != "unchanged" or s.moved]

    @property
    def unchanged_count(self):
        return len(self.sections) - len(self.changed_sections)

    @property
    def has_changes(self):
        return bool(self.fields or self.changed_sections)


def _text(value):
    return "" if value is None else str(value)


def compare(old, new):
    """Compare two revisions' content (see articles.drafts)."""
    fields = [
        FieldChange(label, words(_text(old["article"].get(name)), _text(new["article"].get(name))))
        for name, label in FIELD_LABELS.items()
        if old["article"].get(name) != new["article"].get(name)
    ]
    old_sections = {s["key"]: (n, s) for n, s in enumerate(old["sections"], start=1)}
    new_sections = {s["key"]: (n, s) for n, s in enumerate(new["sections"], start=1)}
    # The sections in both whose order relative to each other held are the
    # longest common run of keys; any other section in both was moved.
    old_order = [key for key in old_sections if key in new_sections]
    new_order = [key for key in new_sections if key in old_sections]
    matcher = difflib.SequenceMatcher(None, old_order, new_order, autojunk=False)
    in_place = {key for block in matcher.get_matching_blocks() for key in old_order[block.a : block.a + block.size]}

    sections = []
    for key, (number, section) in new_sections.items():
        if key not in old_sections:
            sections.append(
                SectionChange(
                    section["heading"],
                    section["anchor"],
                    "added",
                    new_number=number,
                    fields=[FieldChange(name.capitalize(), [("ins", section[name])]) for name in ("heading", "body")],
                )
            )
            continue
        old_number, before = old_sections[key]
        changes = [
            FieldChange(name.capitalize(), words(before[name], section[name]))
            for name in ("heading", "anchor", "body")
            if before[name] != section[name]
        ]
        sections.append(
            SectionChange(
                section["heading"],
                section["anchor"],
                "changed" if changes else "unchanged",
                old_number=old_number,
                new_number=number,
                moved=key not in in_place,
                fields=changes,
            )
        )
    for key, (number, section) in old_sections.items():
        if key not in new_sections:
            sections.append(
                SectionChange(
                    section["heading"],
                    section["anchor"],
                    "removed",
                    old_number=number,
                    fields=[FieldChange(name.capitalize(), [("del", section[name])]) for name in ("heading", "body")],
                )
            )
    return Comparison(fields=fields, sections=sections)
