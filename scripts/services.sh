# Starts throwaway PostgreSQL, Redis and MariaDB servers on 127.0.0.1 for the tests, and exports
# AIU_TEST_DATABASE_URL, AIU_TEST_REDIS_URL and AIU_TEST_MYSQL_URL. Source it (as root):
#   . scripts/services.sh && start_services ; ... ; stop_services
# Each server gets a fresh data directory under $AIU_SERVICES_DIR and is stopped by its pid.

AIU_SERVICES_DIR=${AIU_SERVICES_DIR:-$(mktemp -d /tmp/aiu-services.XXXXXX)}
# the servers run as their own users and must reach their data directories
chmod 755 "$AIU_SERVICES_DIR"
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
MYSQL_PORT=${MYSQL_PORT:-53306}

install_services() {
  export DEBIAN_FRONTEND=noninteractive
  local need=()
  command -v pg_config >/dev/null 2>&1 && [ -n "$(ls /usr/lib/postgresql 2>/dev/null)" ] || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v mariadbd >/dev/null 2>&1 || command -v mysqld >/dev/null 2>&1 || need+=(mariadb-server)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} from Debian packages"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

start_postgres() {
  local bin data
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  data="$AIU_SERVICES_DIR/pg"
  mkdir -p "$data" && chown postgres:postgres "$data"
  su postgres -c "$bin/initdb -D $data -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync" >/dev/null
  su postgres -c "$bin/pg_ctl -D $data -l $data/server.log -o '-h 127.0.0.1 -p $PG_PORT -k $data -F -c max_connections=200' -w start" >/dev/null
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE aiu_test" >/dev/null
  export AIU_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/aiu_test"
}

start_redis() {
  local dir="$AIU_SERVICES_DIR/redis"
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no
  until redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done
  export AIU_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
}

start_mariadb() {
  local dir="$AIU_SERVICES_DIR/mysql" server
  server=$(command -v mariadbd || command -v mysqld)
  mkdir -p "$dir/data" && chown -R mysql:mysql "$dir"
  mariadb-install-db --user=mysql --datadir="$dir/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1
  "$server" --user=mysql --datadir="$dir/data" --socket="$dir/mysql.sock" --pid-file="$dir/mysql.pid" \
    --port="$MYSQL_PORT" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$dir/error.log" \
    --innodb-flush-log-at-trx-commit=2 >/dev/null 2>&1 &
  for _ in $(seq 1 150); do
    mariadb --socket="$dir/mysql.sock" -uroot -e "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb --socket="$dir/mysql.sock" -uroot -e "CREATE DATABASE IF NOT EXISTS aiu_test; \
    CREATE USER IF NOT EXISTS 'aiu'@'127.0.0.1' IDENTIFIED BY 'aiu'; \
    GRANT ALL ON aiu_test.* TO 'aiu'@'127.0.0.1'; \
    GRANT ALL ON \`aiu\\_t\\_%\`.* TO 'aiu'@'127.0.0.1'; FLUSH PRIVILEGES;"
  export AIU_TEST_MYSQL_URL="mysql://aiu:aiu@127.0.0.1:$MYSQL_PORT/aiu_test"
}

start_services() {
  install_services
  start_postgres
  start_redis
  start_mariadb
}

stop_services() {
  local pid
  if [ -f "$AIU_SERVICES_DIR/pg/postmaster.pid" ]; then
    pid=$(head -1 "$AIU_SERVICES_DIR/pg/postmaster.pid"); kill -INT "$pid" 2>/dev/null || true
  fi
  [ -f "$AIU_SERVICES_DIR/redis/redis.pid" ] && kill -TERM "$(cat "$AIU_SERVICES_DIR/redis/redis.pid")" 2>/dev/null || true
  [ -f "$AIU_SERVICES_DIR/mysql/mysql.pid" ] && kill -TERM "$(cat "$AIU_SERVICES_DIR/mysql/mysql.pid")" 2>/dev/null || true
  sleep 1
  return 0
}
