#!/usr/bin/env bash
# The system packages and services the tests need, on a Debian machine (what `make test` and
# `make quick` run first, through `make services` and `make services-core`):
#
#   1. installs with apt-get the packages that are missing: PostgreSQL, Redis, gettext,
#      poppler-utils (PDFs read back), Pango and harfbuzz-subset (WeasyPrint), FriBiDi (Pillow's
#      libraqm, for the Arabic of the plans' sharing pictures); and, unless
#      --core, Chromium and its driver (browser tests) and nginx-light and Caddy (the shipped
#      proxies, deploy/). No font: the pages' and the PDFs' fonts are in static/fonts/.
#   2. starts PostgreSQL and Redis when they do not answer at TEST_DATABASE_URL and
#      TEST_REDIS_URL (a local address only), lets 127.0.0.1 in with trust authentication on a
#      fresh cluster, and creates TEST_DATABASE_URL's database when it does not exist (Django's
#      makemigrations --check looks at it).
#
# Idempotent, and quick when everything is there: it only asks dpkg and the services, and runs
# `apt-get update` only when something is missing. Not root: it installs and starts nothing of
# the system's, and prints the commands to run instead. --dry-run prints what it would do and
# does nothing.
set -uo pipefail

core_only=false
dry_run=false
for argument in "$@"; do
  case "$argument" in
    --core) core_only=true ;;
    --dry-run) dry_run=true ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "services: unknown option $argument (--core, --dry-run)" >&2; exit 2 ;;
  esac
done

database_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/infitah}
redis_url=${TEST_REDIS_URL:-redis://127.0.0.1:6379/1}
root=false
[ "$(id -u)" = 0 ] && root=true

say() { echo "services: $*"; }

# Runs a command, or only says it (--dry-run); as another user than root, says what to run.
act() {
  if $dry_run; then
    say "would run: $*"
  elif ! $root; then
    say "not root, run it yourself: $*"
    return 1
  else
    "$@"
  fi
}

# 1. Packages: each checked by what the tests use (a command or an installed library).
missing=()
need_command() { command -v "$1" >/dev/null 2>&1 || missing+=("${@:2}"); }
need_package() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("${@:2}"); }
need_command pg_ctlcluster postgresql
need_command redis-server redis-server
need_command msgfmt gettext
need_command pdftotext poppler-utils
need_package libharfbuzz-subset0 libharfbuzz-subset0
need_package libpango-1.0-0 libpango-1.0-0 libpangoft2-1.0-0
need_package libfribidi0 libfribidi0 # Pillow's libraqm: the Arabic of a plan's sharing picture
if ! $core_only; then
  need_command chromium chromium chromium-driver
  need_package nginx-light nginx-light
  need_package caddy caddy
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "missing: ${missing[*]}"
  if $dry_run || $root; then
    act apt-get update -qq &&
      act env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" ||
      { say "apt-get could not install ${missing[*]}"; exit 1; }
  else
    say "not root, run it yourself: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
fi

# 2. Services, when their address is on this machine.
local_host() { case "$1" in 127.0.0.1 | localhost | ::1 | "") return 0 ;; *) return 1 ;; esac }
pg_host=127.0.0.1 pg_port=5432 redis_host=127.0.0.1 redis_port=6379
pg_answers() { pg_isready -h "$pg_host" -p "$pg_port" -q >/dev/null 2>&1; }
redis_answers() { redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1; }

if [[ $database_url =~ ^postgres(ql)?://([^:@/]*)(:([^@/]*))?@([^:/]*)(:([0-9]+))?/([^?]+) ]]; then
  pg_user=${BASH_REMATCH[2]:-postgres}
  pg_host=${BASH_REMATCH[5]:-127.0.0.1}
  pg_port=${BASH_REMATCH[7]:-5432}
  pg_name=${BASH_REMATCH[8]}
  [ -n "${BASH_REMATCH[4]}" ] && export PGPASSWORD=${BASH_REMATCH[4]}
  if ! pg_answers; then
    if local_host "$pg_host"; then
      cluster=$(ls "${POSTGRESQL_ETC:-/etc/postgresql}" 2>/dev/null | sort -V | tail -n 1)
      say "starting PostgreSQL ${cluster:-(not installed)}"
      if [ -n "$cluster" ] && act pg_ctlcluster --skip-systemctl-redirect "$cluster" main start; then
        $dry_run || for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
      fi
    else
      say "PostgreSQL does not answer at $pg_host:$pg_port (not this machine: start it there)"
    fi
  fi
  psql_as_us() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -tAc "$1" 2>/dev/null; }
  if ! $dry_run && pg_answers && ! psql_as_us "select 1" >/dev/null; then
    # A fresh cluster asks for a password on 127.0.0.1; the tests expect trust (README).
    if local_host "$pg_host"; then
      say "allowing trust authentication on 127.0.0.1 for the test cluster"
      hba=$(su postgres -c "psql -tAc 'show hba_file'" 2>/dev/null)
      if [ -n "$hba" ] && act sed -i '1i host all all 127.0.0.1/32 trust' "$hba"; then
        su postgres -c "psql -tAc 'select pg_reload_conf()'" >/dev/null
        sleep 1
      fi
    fi
  fi
  if ! pg_answers; then
    $dry_run && say "would create the database $pg_name once PostgreSQL answers"
  elif [ "$(psql_as_us "select 1 from pg_database where datname = '$pg_name'")" != 1 ]; then
    if $dry_run; then
      say "would run: createdb $pg_name"
    else
      say "creating the database $pg_name"
      createdb -h "$pg_host" -p "$pg_port" -U "$pg_user" "$pg_name"
    fi
  fi
else
  say "TEST_DATABASE_URL is not a postgres:// address: $database_url"
fi

if [[ $redis_url =~ ^rediss?://([^@/]*@)?([^:/]*)(:([0-9]+))? ]]; then
  redis_host=${BASH_REMATCH[2]:-127.0.0.1}
  redis_port=${BASH_REMATCH[4]:-6379}
  if ! redis_answers; then
    if local_host "$redis_host"; then
      say "starting Redis on $redis_host:$redis_port"
      if act redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no; then
        $dry_run || for _ in $(seq 1 30); do redis_answers && break; sleep 1; done
      fi
    else
      say "Redis does not answer at $redis_host:$redis_port (not this machine: start it there)"
    fi
  fi
fi

$dry_run && exit 0
# The tests cannot run without these two: stop here with a plain message rather than let every
# test fail on a connection error.
status=0
pg_answers || { say "PostgreSQL does not answer at $pg_host:$pg_port"; status=1; }
redis_answers || { say "Redis does not answer at $redis_host:$redis_port"; status=1; }
exit $status
