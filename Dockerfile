# The production image: `manage.py serve` runs granian, which serves the app, and
# whitenoise serves its static files. The mail worker runs as a container of its
# own (compose.yaml's worker service), hence OUTBOX_SENDER=0 here.
# See "Deployment" in README.md; compose.yaml runs it with PostgreSQL and Redis.
# Pinned to a patch version: a rebuild brings the same Python until it is moved on purpose.
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production \
    WEB_BIND=0.0.0.0:8000 \
    OUTBOX_SENDER=0

WORKDIR /app

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# Production settings insist on a key, hosts and the site's address;
# collectstatic needs none of them, so placeholders serve for this one command
# and never reach the image.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost SITE_URL=https://localhost python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin ta1
USER ta1

EXPOSE 8000
CMD ["python", "manage.py", "serve"]
