from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def machine_datetime(value):
    """`value` for a <time datetime> attribute: ISO 8601 to the millisecond, since HTML allows a
    fraction of a second at most three digits long and `|date:'c'` writes six."""
    if not value:
        return ""
    return value.isoformat(timespec="milliseconds")
