from django.db import transaction


@transaction.atomic
def move(section, *, step):
    """Swap a section with its neighbour: step -1 moves it up, +1 down.

    The article's sections are renumbered 10, 20, 30… on the way, so that
    equal or crowded positions never leave a move without effect. Returns
    False when the section is already first (or last).
    """
    siblings = list(section.article.sections.order_by("position", "pk"))
    here = next(i for i, sibling in enumerate(siblings) if sibling.pk == section.pk)
    there = here + step
    if not 0 <= there < len(siblings):
        return False
    siblings[here], siblings[there] = siblings[there], siblings[here]
    for number, sibling in enumerate(siblings, start=1):
        if sibling.position != number * 10:
            sibling.position = number * 10
            # Only the moved sections get a revision each.
            sibling.save(update_fields=("position",))
    return True
