#!/usr/bin/env bash
# Make sure PostgreSQL (database `test`, trust auth on 127.0.0.1) and Redis run on localhost,
# installing them from Debian's packages if they are missing. Used by the test command.
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

pg_ok() { PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -U postgres -d test -tAc "select 1" >/dev/null 2>&1; }
redis_ok() { redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG; }

if ! command -v psql >/dev/null || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_ok; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  sleep 2
  if ! pg_ok; then
    # A freshly installed cluster asks for passwords on TCP: trust local test connections.
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -q "familybook-tests" "$hba"; then
      printf 'host all all 127.0.0.1/32 trust # familybook-tests\nhost all all ::1/128 trust # familybook-tests\n' \
        | $SUDO sh -c "cat - '$hba' > '$hba.new' && mv '$hba.new' '$hba'"
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload
      sleep 1
    fi
    psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname='test'" \
      | grep -q 1 || psql -h 127.0.0.1 -U postgres -d postgres -c "create database test" >/dev/null
  fi
fi
pg_ok || { echo "PostgreSQL is not reachable on 127.0.0.1:5432 (database test)"; exit 1; }

if ! command -v redis-server >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
if ! redis_ok; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --logfile /tmp/familybook-redis.log
  sleep 1
fi
redis_ok || { echo "Redis is not reachable on 127.0.0.1:6379"; exit 1; }
