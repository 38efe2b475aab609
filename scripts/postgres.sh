#!/usr/bin/env bash
# Make a local PostgreSQL server available for the test suite and print its DATABASE_URL.
# Installs Debian's postgresql if needed, starts the cluster on 127.0.0.1, and creates a
# role that may create the test database. Needs root (or sudo); exits non-zero otherwise.
set -euo pipefail

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo -n"

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "Installing Debian's postgresql" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
fi

version=$(ls -d /usr/lib/postgresql/*/bin/postgres | cut -d/ -f5 | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version main$"; then
  $sudo pg_createcluster "$version" main >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  $sudo pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port"

as_postgres() { $sudo runuser -u postgres -- "$@"; }
[ "$(id -u)" -ne 0 ] && as_postgres() { sudo -n -u postgres "$@"; }
if ! as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'maturity'" | grep -q 1; then
  as_postgres psql -p "$port" -qc "CREATE ROLE maturity LOGIN CREATEDB PASSWORD 'maturity-local-test'" >&2
fi
if ! as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'maturity'" | grep -q 1; then
  as_postgres createdb -p "$port" -O maturity maturity >&2
fi
echo "postgres://maturity:maturity-local-test@127.0.0.1:$port/maturity"
