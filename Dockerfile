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

# The README's entry point; --no-sync because the image's environment is already complete.
CMD ["uv", "run", "--no-sync", "python", "-m", "bot"]
