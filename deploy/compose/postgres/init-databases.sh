#!/bin/sh
# Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d): one role and
# one database per service, each role owning only its own database. Services never read each other's
# databases (ARCHITECTURE.md); separate roles make that a rule the server enforces, not a habit.
#
# Passwords come from <SERVICE>_DB_PASSWORD (compose passes them; the defaults are for a local trial).
# SERVICE_DATABASES overrides the list (tests use names of their own).
set -eu

for service in ${SERVICE_DATABASES:-members funds evaluations notifications}; do
    upper="$(echo "$service" | tr '[:lower:]' '[:upper:]')"
    password="$(printenv "${upper}_DB_PASSWORD" || echo "$service-local-only")"
    echo "init-databases: role and database $service"
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        -v role="$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
