#!/bin/sh
# One-shot Temporal schema setup on PostgreSQL (compose service `temporal-schema`, image
# temporalio/admin-tools). The steps are the official ones (temporalio/samples-server
# compose/scripts/setup-postgres.sh): create each database, stamp the initial schema version,
# then apply every versioned schema script shipped in the admin-tools image.
#
# Safe to run on every `docker compose up`: setup-schema -v 0.0 leaves an already versioned
# database alone, and update-schema applies only versions newer than the recorded one. That also
# makes it the upgrade path: bump server and admin-tools together, and this step migrates.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the PostgreSQL host}"
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}" # read by temporal-sql-tool from the environment
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
# where admin-tools keeps the schema files; `npm run cluster` passes the Go module's copy
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

setup_database() {
  db="$1"
  schema="$2"
  echo "temporal-schema: database ${db} (${schema} schema)"
  # Older temporal-sql-tool releases fail `create` when the database exists; a real connection
  # problem still fails the next step, so this one may not.
  sql_tool --db "$db" create || echo "temporal-schema: database ${db} not created (it may exist already)"
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "${SCHEMA_DIR}/${schema}/versioned"
}

setup_database "$DBNAME" temporal
setup_database "$VISIBILITY_DBNAME" visibility
echo 'temporal-schema: done'
