import os

from django.core.wsgi import get_wsgi_application

from . import env

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ta1.settings")


def without_the_process_environment(app):
    """granian starts every request's WSGI environ from a copy of the process
    environment, as CGI did: SECRET_KEY, DATABASE_URL, EMAIL_HOST_PASSWORD and
    the rest would be in request.META, which error reports print. Take out
    what came from there before Django sees the request."""
    inherited = dict(os.environ)

    def application(environ, start_response):
        for name, value in inherited.items():
            if environ.get(name) == value:
                del environ[name]
        return app(environ, start_response)

    return application


with env.one_line_refusals():
    application = get_wsgi_application()
application = without_the_process_environment(application)
