# gridql with the scaled setup's drivers: PostgreSQL archive, Redis shared budget.
#   docker build -t gridql .
#   docker run -p 8000:8000 gridql            (embedded SQLite archive in the container's volume)
# docker-compose.yml runs two of these over one PostgreSQL and one Redis.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# The package's metadata and code only: tests and benches stay out of the image.
COPY pyproject.toml README.md ./
COPY adapters ./adapters
COPY graph ./graph
COPY resolvers ./resolvers
COPY client ./client
COPY gridql ./gridql
RUN pip install '.[postgres,redis]'

# No root at run time; the embedded archive's default lives in this user's data directory.
RUN useradd --create-home --uid 10001 gridql
USER gridql
VOLUME ["/home/gridql/.local/share/gridql"]

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gridql", "serve", "--host", "0.0.0.0", "--port", "8000"]
