"""Fetch the W3C Nu HTML Checker's vnu.jar, the release the tests check
markup with, from the npm registry (its official package, vnu-jar), check
its digest and put it where tests/test_markup_validity.py looks:

    python scripts/fetch_vnu.py .venv/vnu.jar

Only the jar is taken from the package: running it needs Java, not Node.
Bump VERSION and SHA256 together; the Makefile fetches again when this file
changes."""

import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "26.9.27"
SHA256 = "5970d3ffca91a627cf0965e5d91bb2e4242307c29292998de0b419d6a901b2b7"
URL = f"https://registry.npmjs.org/vnu-jar/-/vnu-jar-{VERSION}.tgz"
JAR = "package/build/dist/vnu.jar"


def main(target):
    with urllib.request.urlopen(URL, timeout=60) as response:
        package = response.read()
    digest = hashlib.sha256(package).hexdigest()
    if digest != SHA256:
        sys.exit(f"{URL} has SHA-256 {digest}, not the pinned {SHA256}: not installing it.")
    with tarfile.open(fileobj=io.BytesIO(package), mode="r:gz") as archive:
        jar = archive.extractfile(JAR).read()
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(jar)
    partial.replace(target)


if __name__ == "__main__":
    main(sys.argv[1])
