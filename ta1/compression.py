"""The static files, sent in the coding the client prefers (web/codings.py)."""

from whitenoise import middleware, responders

from web.codings import IDENTITY, preferred_codings


class StaticFile(responders.StaticFile):
    """whitenoise's file, sent in the coding the client prefers: whitenoise
    itself sends any coding whose name appears in Accept-Encoding, even
    "br;q=0", which refuses it."""

    def get_path_and_headers(self, request_headers):
        # whitenoise lists the file and its compressed copies smallest first,
        # which is the server's preference here.
        files = {
            dict(headers).get("Content-Encoding", IDENTITY): (path, headers) for _, path, headers in self.alternatives
        }
        chosen = preferred_codings(request_headers.get("HTTP_ACCEPT_ENCODING", ""), files)
        return files[chosen[0] if chosen else IDENTITY]


class WhiteNoiseMiddleware(middleware.WhiteNoiseMiddleware):
    def get_static_file(self, path, url, stat_cache=None):
        static_file = super().get_static_file(path, url, stat_cache)
        # Built by whitenoise with all its headers; only the choice of coding differs.
        static_file.__class__ = StaticFile
        return static_file
