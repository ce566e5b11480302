FROM python:3.11-slim

# The image's own settings. `docker run --env-file .env` (and compose's env_file) override any
# of them that .env sets, so .env.example leaves DATABASE_PATH commented out: the database
# stays on the /data volume. A relative DATABASE_PATH (data/bot.sqlite3, from an older .env)
# lands there too: /app/data is a link to /data.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    DATABASE_PATH=/data/bot.sqlite3 \
    HTTP_PORT=8080

WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.8

COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev

COPY bot ./bot

# The bot runs as uid 10001 and writes only to /data (the database and the videos beside it);
# /app stays root's and read-only. A bind-mounted /data must belong to that uid:
#   mkdir -p bot-data && sudo chown 10001:10001 bot-data
RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /data && chown bot:bot /data \
    && ln -s /data /app/data
USER bot
VOLUME ["/data"]
EXPOSE 8080

# Docker marks the container unhealthy when /healthz fails (the database or the worker is
# down). The image has no curl: Python's urllib asks.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HTTP_PORT', '8080'), timeout=5)"]

# SIGTERM (docker stop) stops the bot gracefully: it waits up to SHUTDOWN_UPLOAD_GRACE_SECONDS
# (120 s) for an upload under way, so give `docker stop` a longer timeout (`-t 150`;
# docker-compose.yml sets stop_grace_period) or Docker's SIGKILL after 10 s may cut an upload.
STOPSIGNAL SIGTERM
# The README's entry point; --no-sync because the image's environment is already complete.
CMD ["uv", "run", "--no-sync", "python", "-m", "bot"]
