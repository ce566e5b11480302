FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
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

RUN useradd --create-home --uid 10001 bot && mkdir -p /data && chown bot:bot /data
USER bot
VOLUME ["/data"]
EXPOSE 8080

# SIGTERM (docker stop) stops the bot gracefully: it waits up to SHUTDOWN_UPLOAD_GRACE_SECONDS
# (120 s) for an upload under way, so give `docker stop` a longer timeout (`-t 150`;
# docker-compose.yml sets stop_grace_period) or Docker's SIGKILL after 10 s may cut an upload.
STOPSIGNAL SIGTERM
# The README's entry point; --no-sync because the image's environment is already complete.
CMD ["uv", "run", "--no-sync", "python", "-m", "bot"]
