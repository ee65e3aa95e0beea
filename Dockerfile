# Familybook: one image for the API (`familybook serve`) and the workers (`familybook worker`).
#   docker compose build && docker compose up -d --scale worker=3
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FAMILYBOOK_DATA_DIR=/data

# OCR (libtesseract through ctypes, Traditional Chinese + English data) and libmagic for
# python-magic; a TrueType Chinese font for printed deliveries. tesseract-ocr pulls
# libtesseract5 and tesseract-ocr-eng.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr \
        tesseract-ocr-chi-tra \
        libmagic1 \
        fonts-arphic-uming \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged uid so the named data volume is writable by api and workers alike.
RUN groupadd --system --gid 10001 familybook \
    && useradd --system --uid 10001 --gid familybook --home-dir /app --shell /usr/sbin/nologin familybook \
    && mkdir -p /app /data \
    && chown familybook:familybook /data

WORKDIR /app
COPY pyproject.toml ./
COPY core ./core
COPY moderation ./moderation
COPY storage ./storage
COPY usecases ./usecases
COPY web ./web
COPY ingest ./ingest
COPY review_api ./review_api
COPY workers ./workers
COPY familybook ./familybook
# A regular (not editable) install; the migrations ship as package data.
RUN pip install . && rm -rf build *.egg-info

USER familybook
VOLUME ["/data"]
EXPOSE 8000

# The API by default; compose runs `familybook migrate` first and `familybook worker` for workers.
CMD ["familybook", "serve", "--host", "0.0.0.0", "--port", "8000"]
