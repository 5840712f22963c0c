from django.core.validators import RegexValidator

# Names and titles travel into email subjects, where a line break would end
# the header and start another: they are refused where they are typed (and
# flattened again when a message is built).
single_line = RegexValidator(
    r"[\x00-\x1f\x7f\u2028\u2029]",
    inverse_match=True,
    message="Use a single line, without line breaks or control characters.",
    code="single_line",
)
