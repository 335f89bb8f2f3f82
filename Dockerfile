# careerbot: the Discord bot in a small image.
#   docker build -t careerbot .
#   docker run --env-file .env -v careerbot-data:/data --stop-timeout 30 careerbot
# Stage 1 builds a virtual environment with careerbot and its dependencies; stage 2
# copies only that environment and the corpus into a clean slim image.

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY careerbot ./careerbot
COPY knowledge ./knowledge
COPY storage ./storage
RUN pip install --no-cache-dir .


FROM python:${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.title="careerbot" \
      org.opencontainers.image.description="A Discord bot that helps people become machine-learning engineers" \
      org.opencontainers.image.licenses="MIT"

# The database lives on the /data volume; the corpus is baked in at /app/knowledge and
# can be replaced by mounting a folder there. The health server, when enabled with
# CAREERBOT_HEALTH_PORT, must listen on all interfaces inside a container.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CAREERBOT_DATABASE_PATH=/data/careerbot.sqlite3 \
    CAREERBOT_KNOWLEDGE_PATH=/app/knowledge \
    CAREERBOT_HEALTH_HOST=0.0.0.0

RUN groupadd --system --gid 10001 careerbot \
    && useradd --system --uid 10001 --gid careerbot --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin careerbot \
    && mkdir -p /data /app \
    && chown careerbot:careerbot /data

COPY --from=build /opt/venv /opt/venv
COPY --chown=careerbot:careerbot knowledge /app/knowledge

WORKDIR /app
USER 10001:10001
VOLUME ["/data"]

# `careerbot health` opens the database and loads the corpus (no Discord, no token).
HEALTHCHECK --interval=30s --timeout=15s --start-period=30s --retries=3 \
    CMD ["careerbot", "health"]

# careerbot is PID 1 (exec form) and handles SIGTERM: it stops the scheduler, lets
# handlers in flight finish, closes Discord and the database, and exits 0. Give it
# time: `docker run --stop-timeout 30` / compose `stop_grace_period: 30s`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["careerbot"]
CMD ["run"]
