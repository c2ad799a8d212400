# Userbase's image: wheels are built in a first stage, and a slim runtime installs them
# and nothing else (requirements.txt alone), runs as an unprivileged user and serves the
# app with gunicorn. compose.yaml runs the same image as web, worker, beat and release.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS wheels
# gunicorn_h1c (gunicorn's HTTP parser in C) is published as source only: this stage
# compiles it, and the runtime gets the wheel, not the compiler. Debian's own versions of
# the compiler, whichever the base image's release has.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH \
    DJANGO_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=2 \
    MEDIA_ROOT=/srv/media \
    CELERY_BEAT_SCHEDULE_FILENAME=/tmp/celerybeat-schedule
RUN groupadd --system --gid 10001 userbase \
    && useradd --system --uid 10001 --gid userbase --no-create-home --home-dir /app userbase \
    && mkdir -p /srv/media /srv/static \
    && chown userbase:userbase /srv/media /srv/static
COPY --from=wheels /wheels /wheels
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --no-index --find-links /wheels /wheels/*.whl \
    && rm -rf /wheels
WORKDIR /app
COPY . .
# Static files are collected into the image (manifest names, gzipped copies). Settings
# need their production variables to load, so the build gives throwaway ones: nothing
# connects to them, and none of them stays in the image.
# SILK_ENABLED puts silk's files in the manifest too, so /silk/ works when it is turned on.
RUN DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    SECRET_KEY=collectstatic-at-build-only ALLOWED_HOSTS=localhost SILK_ENABLED=true \
    python manage.py collectstatic --noinput --verbosity 0
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
