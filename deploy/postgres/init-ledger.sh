#!/bin/sh
# Creates the application's ledger database and its own login role, separate from Temporal's
# databases (temporal, temporal_visibility) and from the superuser that Temporal uses.
#
# Mounted into the postgres container's /docker-entrypoint-initdb.d, so the official image runs
# it once, when the data volume is initialised. On an existing volume it does not run: create the
# role and database by hand with the same two statements, or start from a fresh volume.
#
# The postgres image *sources* .sh files that are not executable, so this file sets no shell
# options and never calls exit: a failing psql still aborts the initialisation, because the
# image's entrypoint runs with `set -e`.
# Values come from the environment (docker-compose.yml); psql quotes them (:"ident", :'literal').

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:?}" --dbname postgres \
  -v ledger_user="${LEDGER_DB_USER:?LEDGER_DB_USER must be set}" \
  -v ledger_password="${LEDGER_DB_PASSWORD:?LEDGER_DB_PASSWORD must be set}" \
  -v ledger_db="${LEDGER_DB_NAME:?LEDGER_DB_NAME must be set}" <<'SQL'
CREATE ROLE :"ledger_user" LOGIN PASSWORD :'ledger_password';
CREATE DATABASE :"ledger_db" OWNER :"ledger_user";
REVOKE ALL ON DATABASE :"ledger_db" FROM PUBLIC;
SQL
