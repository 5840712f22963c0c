"""A throwaway certificate for nginx in front of the site in the tests
(tests/proxy, tests/cluster, test_compose_image.py), named as
deploy/nginx.conf expects its files."""

import ssl
import subprocess


def throwaway_certificate(directory):
    """A self-signed certificate for localhost, valid for a day, written as
    privkey.pem and fullchain.pem into `directory` (made here). Returns a TLS
    context that trusts it."""
    directory.mkdir(parents=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost", "-keyout", directory / "privkey.pem"]
        + ["-out", directory / "fullchain.pem"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return ssl.create_default_context(cafile=directory / "fullchain.pem")
