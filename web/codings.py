"""Which content coding a response is sent in: the one the client's
Accept-Encoding weighs highest (RFC 9110 §12.5.3), where a weight of 0
refuses a coding; among codings weighed alike, the server's preference.

The shared article page (pages/shared.py) and the static files
(ta1/compression.py, in place of whitenoise's own) both choose with it.
"""

import re

IDENTITY = "identity"
# RFC 9110's qvalue: 0 to 1 with at most three decimals.
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


def weights(accept_encoding):
    """{coding: weight} as the header gives them, codings in lower case. An
    entry whose weight cannot be read is left out: it grants nothing, and
    refuses nothing either."""
    found = {}
    for entry in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in entry.split(";"))
        coding = coding.lower()
        # RFC 9110 asks that x-gzip be taken as gzip.
        coding = "gzip" if coding == "x-gzip" else coding
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                weight = float(value.strip()) if QVALUE.fullmatch(value.strip()) else None
        if coding and weight is not None:
            # Said twice, a coding keeps its lower weight: a refusal stands.
            found[coding] = min(weight, found.get(coding, weight))
    return found


def preferred_codings(accept_encoding, offered):
    """The codings of `offered` (the server's preference first, IDENTITY
    among them) that the client accepts, the client's preference first.

    A coding the header does not name takes the weight of "*"; without "*",
    only the identity is acceptable unnamed. When nothing offered is
    acceptable the list is empty, and the caller sends the identity anyway,
    as RFC 9110 allows rather than answering 406."""
    given = weights(accept_encoding)

    def weight(coding):
        return given.get(coding, given.get("*", 1.0 if coding == IDENTITY else 0.0))

    # sorted() is stable: codings weighed alike keep the server's order.
    return sorted((coding for coding in offered if weight(coding) > 0), key=weight, reverse=True)
