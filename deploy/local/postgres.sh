#!/usr/bin/env bash
# Runs a PostgreSQL server from the machine's own binaries, in the foreground, for EU CyberNet:
# the AppHost starts it as an executable resource, the test fixture and CI start it the same way.
#
#   postgres.sh <data-dir> <port> [password-file]
#
# The data directory is created (initdb) on first use and kept afterwards. PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` OS user (setpriv, which execs: the
# server is this process, and stop signals reach it directly). With a password file the superuser
# `postgres` gets that password and TCP connections must use it (scram-sha-256); without one,
# loopback connections are trusted (throwaway test servers only).
set -euo pipefail

data=${1:?usage: postgres.sh <data-dir> <port> [password-file]}
port=${2:?usage: postgres.sh <data-dir> <port> [password-file]}
password_file=${3:-}

find_bin() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$candidate" ]; then echo "$candidate"; return; fi
  echo "postgres.sh: '$1' not found. Install PostgreSQL server binaries (Debian: apt-get install -y postgresql)." >&2
  exit 127
}
initdb_bin=$(find_bin initdb)
postgres_bin=$(find_bin postgres)

as_postgres=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "postgres.sh: running as root needs a 'postgres' OS user (Debian's postgresql package creates it)." >&2
    exit 1
  fi
  as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi

mkdir -p "$data"
data=$(realpath "$data")
if [ "${#as_postgres[@]}" -gt 0 ]; then
  chown postgres:postgres "$data"
  if ! "${as_postgres[@]}" test -w "$data"; then
    # The postgres user cannot reach a folder under a private home (e.g. /root): keep the data in
    # /var/tmp and leave a symlink where it was asked for.
    relocated=/var/tmp/eucybernet/$(echo -n "$data" | sha1sum | cut -c1-12)
    mkdir -p "$relocated" && chown postgres:postgres "$relocated" /var/tmp/eucybernet 2>/dev/null || true
    rmdir "$data" 2>/dev/null || true
    [ -L "$data" ] || ln -s "$relocated" "$data"
    echo "postgres.sh: $data is not reachable by the postgres user; data lives in $relocated" >&2
    data=$relocated
  fi
fi
chmod 700 "$data"

if [ ! -s "$data/PG_VERSION" ]; then
  auth=(--auth-local=trust --auth-host=trust)
  if [ -n "$password_file" ]; then
    tmp_pw=$(mktemp)
    cp "$password_file" "$tmp_pw"
    [ "${#as_postgres[@]}" -gt 0 ] && chown postgres "$tmp_pw"
    auth=(--auth-local=trust --auth-host=scram-sha-256 "--pwfile=$tmp_pw")
  fi
  "${as_postgres[@]}" "$initdb_bin" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 "${auth[@]}" >/dev/null
  [ -n "${tmp_pw:-}" ] && rm -f "$tmp_pw"
fi

extra=()
if [ "${EUCYBERNET_PG_FAST:-}" = 1 ]; then
  # Throwaway test servers: durability off, nothing survives a crash anyway.
  extra=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi

if [ "${EUCYBERNET_PG_STATS:-}" = 1 ]; then
  # Benchmarks: per-statement timings (pg_stat_statements), to see where a command's time goes, and
  # each transaction's commit time (pg_xact_commit_timestamp), to measure propagation commit to commit.
  extra+=(-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c track_commit_timestamp=on)
fi

exec "${as_postgres[@]}" "$postgres_bin" -D "$data" -p "$port" -k "$data" \
  -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB \
  -c log_min_messages=warning -c log_connections=off "${extra[@]}"
