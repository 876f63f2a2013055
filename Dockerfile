# One image for the web, worker and beat services (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango and HarfBuzz for WeasyPrint (Arabic shaping), Amiri for Arabic text in PDFs; FriBiDi
# for Pillow's libraqm, which shapes the Arabic of a plan's sharing picture (commitments/sharing:
# Pango needs it too, named here so that the picture does not depend on that).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfribidi0 fonts-hosny-amiri fonts-dejavu-core \
        curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 infitah
WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .

COPY . .
RUN SECRET_KEY=build-only STATIC_MANIFEST=true python manage.py compiletranslations \
    && SECRET_KEY=build-only STATIC_MANIFEST=true python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R infitah /app/media

USER infitah
EXPOSE 8000
CMD ["gunicorn", "opengov.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "8", "--timeout", "60", "--graceful-timeout", "30", "--keep-alive", "5", "--limit-request-line", "4094", "--limit-request-fields", "50", "--access-logfile", "-"]
