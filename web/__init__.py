"""The ground floor: small HTTP helpers every part of the site shares.

Nothing here imports an app of the site or ta1, so anything may import it
(tests/test_import_graph.py holds every floor to that)."""
