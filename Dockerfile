# Safe Road bot: a small image that runs `python -m bot run` as a non-root user, with DATA_DIR on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    CONTENT_DIR=/app/content \
    LOCALES_DIR=/app/locales

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
COPY locales ./locales

# Install, precompile the catalogues, and refuse to build an image whose content does not validate.
RUN pip install . \
    && pybabel compile -d locales \
    && python -m bot check \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin saferoad \
    && mkdir -p /data && chown saferoad /data

USER saferoad
VOLUME ["/data"]
EXPOSE 8443
CMD ["python", "-m", "bot", "run"]
