import os

from django.core.wsgi import get_wsgi_application

from . import env

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ta1.settings")

with env.one_line_refusals():
    application = get_wsgi_application()
