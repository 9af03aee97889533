# Sourced by .ci/run: a throwaway PostgreSQL cluster for the store tests (issue #9).
# start_test_postgres installs Debian's postgresql when no initdb is present (apt-get; skipped when installed),
# creates a cluster in a temporary directory owned by an unprivileged user (initdb refuses root), starts it on
# a free loopback port with fsync off, creates the test database and exports TEST_DATABASE_URL.
# stop_test_postgres stops it and removes the directory (.ci/run calls it from its EXIT trap).

pg_test_dir=""
pg_test_user=""
pg_test_bin=""

start_test_postgres() {
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    echo "installing Debian's postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null || {
      echo "apt-get install postgresql failed" >&2
      return 1
    }
  fi
  pg_test_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  # The package creates the postgres user; any unprivileged user will do where it does not exist.
  if id -u postgres >/dev/null 2>&1; then pg_test_user=postgres; else pg_test_user=nobody; fi
  pg_test_dir=$(mktemp -d /tmp/aws-root-guard-pg.XXXXXX) || return 1
  chown "$pg_test_user" "$pg_test_dir"
  local port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})') || return 1
  runuser -u "$pg_test_user" -- "$pg_test_bin/initdb" -D "$pg_test_dir/data" -U postgres -A trust -E UTF8 --no-sync >"$pg_test_dir/initdb.log" 2>&1 || {
    cat "$pg_test_dir/initdb.log" >&2
    return 1
  }
  # -k: the socket in our own directory (the default /var/run/postgresql may not exist or be writable).
  runuser -u "$pg_test_user" -- "$pg_test_bin/pg_ctl" -D "$pg_test_dir/data" -l "$pg_test_dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $pg_test_dir -F" start >/dev/null || {
    cat "$pg_test_dir/server.log" >&2
    return 1
  }
  runuser -u "$pg_test_user" -- "$pg_test_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres aws_root_guard_test || return 1
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/aws_root_guard_test"
  echo "PostgreSQL $("$pg_test_bin/postgres" --version | awk '{print $3}') at $TEST_DATABASE_URL (data in $pg_test_dir)"
}

stop_test_postgres() {
  [ -n "$pg_test_dir" ] || return 0
  if [ -f "$pg_test_dir/data/postmaster.pid" ]; then
    runuser -u "$pg_test_user" -- "$pg_test_bin/pg_ctl" -D "$pg_test_dir/data" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$pg_test_dir"
  pg_test_dir=""
}
