# The guardia job image: what backup, restore-drill and log-rotation CronJobs run.
# node + postgresql-client (from PGDG, so pg_dump is never older than the server) + zstd +
# logrotate + guardia, as the unprivileged user 10001 that the restricted pods require.
#   docker build -t registry.example.org/ops/guardia:0.1.0 .
# and set `jobs.image` in the stack file. For smoke flows with browser steps, the same image with
# Debian's Chromium (playwright-core drives it; no browser download):
#   docker build --target browser -t registry.example.org/ops/guardia-browser:0.1.0 .
# and set `smokeFlows.browserImage`.
FROM node:20-bookworm-slim AS guardia

ARG PG_MAJOR=18
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl gnupg zstd logrotate bash \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && apt-get purge -y curl gnupg && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/guardia
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin bin
COPY lib lib
COPY infra infra
COPY runbooks runbooks
# Bundle once at build time: the pod's root filesystem is read-only.
RUN node bin/build.js && ln -s /opt/guardia/bin/guardia.js /usr/local/bin/guardia

RUN groupadd --gid 10001 guardia && useradd --uid 10001 --gid 10001 --home-dir /scratch --no-create-home guardia
USER 10001:10001
ENV HOME=/scratch TMPDIR=/scratch NODE_ENV=production
CMD ["guardia", "--help"]

FROM guardia AS browser
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation \
 && rm -rf /var/lib/apt/lists/*
USER 10001:10001
ENV GUARDIA_CHROMIUM=/usr/bin/chromium

# The default target stays the job image without a browser.
FROM guardia
