# Harassment Desk: the bot in a slim Python image, run as a non-root user.
#   docker build -t harassment-desk .
#   docker run --env-file .env -p 3000:3000 harassment-desk run --http
# Settings come from the environment (see .env.example). HTTP mode answers Slack on PORT and
# probes on /healthz and /readyz; in Socket Mode the probes are on HEALTH_PORT (set
# HEALTHCHECK_PORT=3001 so the image's health check asks the right port).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 desk \
    && useradd --system --uid 10001 --gid desk --home-dir /var/lib/harassment-desk \
       --create-home --shell /usr/sbin/nologin desk

WORKDIR /opt/harassment-desk
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY guidance ./guidance
RUN pip install --no-cache-dir .

USER 10001:10001
# SQLite by default in $XDG_DATA_HOME/harassment-desk/harassment_desk.db, i.e. in the volume
# (as the systemd unit does), also when `--env-file .env` brings an empty DATABASE_URL=.
# PostgreSQL for replicas (compose.yaml).
ENV HOST=0.0.0.0 \
    PORT=3000 \
    HEALTHCHECK_PORT=3000 \
    XDG_DATA_HOME=/var/lib
VOLUME ["/var/lib/harassment-desk"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['HEALTHCHECK_PORT'], timeout=4)"]

ENTRYPOINT ["harassment-desk"]
CMD ["run"]
