#!/usr/bin/env bash
# The real servers the tests talk to (DESIGN.md, "Real parts").
#
#   scripts/services.sh start [service...]   start (or find running) and write <dir>/env
#   scripts/services.sh stop  [service...]   stop what `start` started (pid files only)
#   scripts/services.sh status [service...]  one line each; exit 3 if any is down
#
# services: postgres kafka alertmanager prometheus mosquitto (default: all)
#
# - postgres, mosquitto: pre-started on this machine; checked, started only if
#   down, never stopped here.
# - kafka: Apache Kafka 4.x (KRaft, one combined broker+controller node) run
#   from jars Maven resolves from scripts/kafka/pom.xml into ~/.cache/plantops.
# - prometheus, alertmanager: Debian's packages, our own config, ports and
#   storage, with the alert rules in scripts/prometheus/rules.yml.
#
# State, logs and data: ${PLANTOPS_SERVICES_DIR:-<repo>/.services}. A cold
# start (service not running) begins from empty data unless
# PLANTOPS_SERVICES_KEEP_DATA=1. Tests read the addresses from <dir>/env.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SVC_DIR=${PLANTOPS_SERVICES_DIR:-$ROOT/.services}
CACHE_DIR=${PLANTOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/plantops}
KEEP_DATA=${PLANTOPS_SERVICES_KEEP_DATA:-0}

HOST=127.0.0.1
PG_PORT=${PLANTOPS_PG_PORT:-5432}
MQTT_PORT=${PLANTOPS_MQTT_PORT:-1883}
KAFKA_PORT=${PLANTOPS_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${PLANTOPS_KAFKA_CONTROLLER_PORT:-19093}
PROMETHEUS_PORT=${PLANTOPS_PROMETHEUS_PORT:-19090}
ALERTMANAGER_PORT=${PLANTOPS_ALERTMANAGER_PORT:-19094}

KAFKA_POM=$ROOT/scripts/kafka/pom.xml
RULES_FILE=$ROOT/scripts/prometheus/rules.yml
ALL_SERVICES=(postgres mosquitto kafka alertmanager prometheus)
OWN_SERVICES=(prometheus alertmanager kafka) # stop order

# ---------------------------------------------------------------- helpers

say() { printf 'services: %s\n' "$*"; }

# fail SERVICE WHY [LOGFILE]: exit non-zero naming the service, the reason
# and the tail of its log.
fail() {
  local svc=$1 why=$2 log=${3:-}
  printf 'services: %s FAILED: %s\n' "$svc" "$why" >&2
  if [ -n "$log" ] && [ -s "$log" ]; then
    if grep -qE 'ERROR|FATAL|Exception|level=error|err=' "$log"; then
      printf 'services: first errors in %s:\n' "$log" >&2
      grep -m 3 -E 'ERROR|FATAL|Exception|level=error|err=' "$log" | cut -c1-400 | sed 's/^/  ! /' >&2
    fi
    printf 'services: last lines of %s:\n' "$log" >&2
    tail -n 30 "$log" | cut -c1-400 | sed 's/^/  | /' >&2
  fi
  exit 1
}

since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

port_owner() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

pidfile() { printf '%s/%s.pid' "$SVC_DIR" "$1"; }

# our_pid SERVICE: print the pid from its pid file if that process is alive
# and is ours (its command line names our services dir).
our_pid() {
  local f pid
  f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SVC_DIR" || return 1
  printf '%s' "$pid"
}

# spawn SERVICE LOG CMD...: run CMD detached (own session, no tty, output to
# LOG) and record its pid.
spawn() {
  local svc=$1 log=$2
  shift 2
  # 9>&-: the child must not hold our lock file open
  setsid "$@" </dev/null >>"$log" 2>&1 9>&- &
  printf '%s\n' "$!" >"$(pidfile "$svc")"
}

# wait_until SERVICE LOG SECONDS CMD...: poll CMD until it succeeds; fail early
# if the service's process dies, fail with the log tail on time-out.
wait_until() {
  local svc=$1 log=$2 secs=$3
  shift 3
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if [ -f "$(pidfile "$svc")" ] && ! our_pid "$svc" >/dev/null; then
      rm -f "$(pidfile "$svc")"
      fail "$svc" "process exited during start-up" "$log"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      stop_service "$svc" >/dev/null
      fail "$svc" "not ready after ${secs}s (stopped it)" "$log"
    fi
    sleep 0.25
  done
}

# stop_service SERVICE: TERM, wait, then KILL the process from its pid file.
stop_service() {
  local svc=$1 pid i
  if ! pid=$(our_pid "$svc"); then
    rm -f "$(pidfile "$svc")"
    say "$svc: not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    say "$svc: killed (pid $pid did not exit on TERM within 30s)"
  else
    say "$svc: stopped (pid $pid)"
  fi
  rm -f "$(pidfile "$svc")"
}

# free_port SERVICE PORT: fail if something that is not ours listens there.
free_port() {
  if port_open "$HOST" "$2"; then
    fail "$1" "port $HOST:$2 is already taken by another process ($(port_owner "$2")); set PLANTOPS_${1^^}_PORT to another port"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || fail "$1" "apt-get not found; install ${*:2} by hand"
  local svc=$1
  shift
  local t0=$EPOCHREALTIME log=$SVC_DIR/logs/apt.log policy_made=0
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$log" 2>&1 || fail "$svc" "apt-get update failed" "$log"
    APT_UPDATED=1
  fi
  # Keep the packages from starting their own daemons on the default ports.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_made=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$log" 2>&1; then
    [ "$policy_made" = 1 ] && rm -f /usr/sbin/policy-rc.d
    fail "$svc" "apt-get install $* failed" "$log"
  fi
  [ "$policy_made" = 1 ] && rm -f /usr/sbin/policy-rc.d
  say "$svc: installed $* ($(since "$t0"))"
}

# ---------------------------------------------------------------- postgres

PG_URL="postgresql://postgres@$HOST:$PG_PORT/postgres"

start_postgres() {
  command -v pg_isready >/dev/null || apt_install postgres postgresql-client
  if ! pg_isready -q -h "$HOST" -p "$PG_PORT"; then
    command -v pg_ctlcluster >/dev/null || fail postgres "not running on $HOST:$PG_PORT and pg_ctlcluster is missing (PostgreSQL server not installed)"
    local ver t0=$EPOCHREALTIME
    # shellcheck disable=SC2012 # cluster versions are plain numbers
    ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$ver" ] || fail postgres "not running on $HOST:$PG_PORT and no cluster under /etc/postgresql"
    local log=/var/log/postgresql/postgresql-$ver-main.log
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >>"$SVC_DIR/logs/postgres.log" 2>&1 ||
      fail postgres "pg_ctlcluster $ver main start failed" "$SVC_DIR/logs/postgres.log"
    local i
    for ((i = 0; i < 120; i++)); do
      pg_isready -q -h "$HOST" -p "$PG_PORT" && break
      sleep 0.25
    done
    pg_isready -q -h "$HOST" -p "$PG_PORT" || fail postgres "cluster $ver/main started but $HOST:$PG_PORT does not answer" "$log"
    say "postgres: started cluster $ver/main on $HOST:$PG_PORT ($(since "$t0"))"
  else
    say "postgres: ready on $HOST:$PG_PORT (pre-started)"
  fi
  # Backstage's TestDatabases creates a database per test.
  local can
  can=$(psql "$PG_URL" -XtAqc "select rolcreatedb or rolsuper from pg_roles where rolname = current_user" 2>&1) ||
    fail postgres "cannot connect as postgres to $PG_URL: $can"
  [ "$can" = t ] || fail postgres "role postgres may not create databases (TestDatabases needs that)"
}

status_postgres() {
  if pg_isready -q -h "$HOST" -p "$PG_PORT" 2>/dev/null; then say "postgres: up on $HOST:$PG_PORT (not managed here)"; else say "postgres: DOWN on $HOST:$PG_PORT"; return 1; fi
}

# ---------------------------------------------------------------- mosquitto

start_mosquitto() {
  if port_open "$HOST" "$MQTT_PORT"; then
    say "mosquitto: ready on $HOST:$MQTT_PORT (pre-started)"
    return 0
  fi
  [ "$MQTT_PORT" = 1883 ] || fail mosquitto "not running on $HOST:$MQTT_PORT (only the system broker on 1883 is started here)"
  command -v mosquitto >/dev/null || apt_install mosquitto mosquitto mosquitto-clients
  local t0=$EPOCHREALTIME log=$SVC_DIR/logs/mosquitto.log
  mkdir -p /run/mosquitto
  chown mosquitto: /run/mosquitto 2>/dev/null || true
  mosquitto -d -c /etc/mosquitto/mosquitto.conf >>"$log" 2>&1 || {
    [ -f /var/log/mosquitto/mosquitto.log ] && tail -n 20 /var/log/mosquitto/mosquitto.log >>"$log"
    fail mosquitto "mosquitto -d -c /etc/mosquitto/mosquitto.conf failed" "$log"
  }
  local i
  for ((i = 0; i < 40; i++)); do port_open "$HOST" "$MQTT_PORT" && break; sleep 0.25; done
  if ! port_open "$HOST" "$MQTT_PORT"; then
    [ -f /var/log/mosquitto/mosquitto.log ] && tail -n 20 /var/log/mosquitto/mosquitto.log >>"$log"
    fail mosquitto "started but $HOST:$MQTT_PORT does not answer (is there a listener on 1883 in /etc/mosquitto?)" "$log"
  fi
  say "mosquitto: started on $HOST:$MQTT_PORT ($(since "$t0"))"
}

status_mosquitto() {
  if port_open "$HOST" "$MQTT_PORT"; then say "mosquitto: up on $HOST:$MQTT_PORT (not managed here)"; else say "mosquitto: DOWN on $HOST:$MQTT_PORT"; return 1; fi
}

# ---------------------------------------------------------------- kafka

JAVA=java
ensure_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA=$JAVA_HOME/bin/java; fi
  command -v "$JAVA" >/dev/null || { apt_install kafka openjdk-17-jre-headless; JAVA=java; }
  local major
  major=$("$JAVA" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  [ "${major:-0}" -ge 17 ] || fail kafka "Kafka 4 needs Java 17+, $JAVA is Java ${major:-unknown}; set JAVA_HOME"
}

kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM" | head -n 1; }

# kafka_lib: print the folder of the broker's jars, resolving them once.
KAFKA_LIB=
kafka_lib() {
  local key dir
  key=$(sha256sum "$KAFKA_POM" | cut -c1-12)
  dir=$CACHE_DIR/kafka-$(kafka_version)-$key
  if [ ! -f "$dir/.complete" ]; then
    command -v mvn >/dev/null || apt_install kafka maven
    local t0=$EPOCHREALTIME log=$SVC_DIR/logs/maven.log tmp
    mkdir -p "$CACHE_DIR"
    tmp=$(mktemp -d "$CACHE_DIR/.kafka-XXXXXX")
    if ! mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp/lib" >"$log" 2>&1; then
      rm -rf "$tmp"
      fail kafka "Maven could not resolve Kafka $(kafka_version) from $KAFKA_POM" "$log"
    fi
    rm -rf "$dir" && mv "$tmp/lib" "$dir" && rmdir "$tmp"
    touch "$dir/.complete"
    say "kafka: resolved Kafka $(kafka_version) jars into $dir ($(since "$t0"))"
  fi
  KAFKA_LIB=$dir
}

kafka_ready() {
  port_open "$HOST" "$KAFKA_PORT" && grep -q "Kafka Server started" "$SVC_DIR/kafka/server.log" 2>/dev/null
}

write_kafka_config() {
  local d=$SVC_DIR/kafka
  cat >"$d/server.properties" <<EOF
# written by scripts/services.sh: single-node KRaft (broker + controller), loopback only
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data
num.partitions=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=3
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
  cat >"$d/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

start_kafka() {
  local d=$SVC_DIR/kafka log=$SVC_DIR/kafka/server.log pid
  if pid=$(our_pid kafka); then
    wait_until kafka "$log" 120 kafka_ready
    say "kafka: already running on $HOST:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  rm -f "$(pidfile kafka)"
  ensure_java
  kafka_lib
  free_port kafka "$KAFKA_PORT"
  free_port kafka_controller "$KAFKA_CONTROLLER_PORT"
  local t0=$EPOCHREALTIME
  mkdir -p "$d"
  [ "$KEEP_DATA" = 1 ] || rm -rf "$d/data"
  [ -f "$log" ] && mv -f "$log" "$log.1"
  write_kafka_config
  local cp="$KAFKA_LIB/*"
  local jvm=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$d/log4j2.properties" "-Dkafka.logs.dir=$d" "-Dplantops.services=$SVC_DIR")
  if [ ! -f "$d/data/meta.properties" ]; then
    local id=-
    # a cluster id is a Kafka Uuid: 16 random bytes, base64url, not starting with '-'
    while [ "${id:0:1}" = - ]; do id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='); done
    "$JAVA" "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format --standalone -t "$id" \
      -c "$d/server.properties" >"$d/format.log" 2>&1 ||
      fail kafka "kafka.tools.StorageTool format failed" "$d/format.log"
  fi
  spawn kafka "$log" "$JAVA" "${jvm[@]}" -cp "$cp" kafka.Kafka "$d/server.properties"
  wait_until kafka "$log" 120 kafka_ready
  say "kafka: Kafka $(kafka_version) started on $HOST:$KAFKA_PORT, controller $HOST:$KAFKA_CONTROLLER_PORT (pid $(cat "$(pidfile kafka)"), $(since "$t0"))"
}

status_kafka() {
  local pid
  if pid=$(our_pid kafka) && kafka_ready; then say "kafka: up on $HOST:$KAFKA_PORT (pid $pid)"; else say "kafka: DOWN"; return 1; fi
}

# ---------------------------------------------------------------- prometheus + alertmanager

ensure_prometheus_packages() {
  local svc=$1
  if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
    apt_install "$svc" prometheus prometheus-alertmanager
    # With systemd as init the packages enable units on the default ports:
    # keep them off, ours run on their own ports.
    if [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ]; then
      systemctl disable --now prometheus prometheus-alertmanager >/dev/null 2>&1 || true
    fi
  fi
  command -v curl >/dev/null || apt_install "$svc" curl
}

ALERTMANAGER_URL=http://$HOST:$ALERTMANAGER_PORT
PROMETHEUS_URL=http://$HOST:$PROMETHEUS_PORT

start_alertmanager() {
  local d=$SVC_DIR/alertmanager log=$SVC_DIR/alertmanager/alertmanager.log pid
  if pid=$(our_pid alertmanager); then
    wait_until alertmanager "$log" 60 http_ok "$ALERTMANAGER_URL/-/ready"
    say "alertmanager: already running on $HOST:$ALERTMANAGER_PORT (pid $pid)"
    return 0
  fi
  rm -f "$(pidfile alertmanager)"
  ensure_prometheus_packages alertmanager
  free_port alertmanager "$ALERTMANAGER_PORT"
  local t0=$EPOCHREALTIME
  mkdir -p "$d"
  [ "$KEEP_DATA" = 1 ] || rm -rf "$d/data"
  mkdir -p "$d/data"
  [ -f "$log" ] && mv -f "$log" "$log.1"
  cat >"$d/alertmanager.yml" <<'EOF'
# written by scripts/services.sh: every alert goes to a receiver that sends
# nothing; tests read alerts from the API (/api/v2/alerts).
route:
  receiver: "null"
  group_by: ["alertname"]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: "null"
EOF
  if command -v amtool >/dev/null; then
    amtool check-config "$d/alertmanager.yml" >"$d/check.log" 2>&1 || fail alertmanager "amtool check-config rejected $d/alertmanager.yml" "$d/check.log"
  fi
  spawn alertmanager "$log" prometheus-alertmanager \
    "--config.file=$d/alertmanager.yml" "--storage.path=$d/data" \
    "--web.listen-address=$HOST:$ALERTMANAGER_PORT" "--cluster.listen-address=" \
    "--data.retention=2h"
  wait_until alertmanager "$log" 60 http_ok "$ALERTMANAGER_URL/-/ready"
  say "alertmanager: started on $ALERTMANAGER_URL (pid $(cat "$(pidfile alertmanager)"), $(since "$t0"))"
}

status_alertmanager() {
  local pid
  if pid=$(our_pid alertmanager) && http_ok "$ALERTMANAGER_URL/-/ready"; then say "alertmanager: up on $ALERTMANAGER_URL (pid $pid)"; else say "alertmanager: DOWN"; return 1; fi
}

start_prometheus() {
  local d=$SVC_DIR/prometheus log=$SVC_DIR/prometheus/prometheus.log pid
  if pid=$(our_pid prometheus); then
    wait_until prometheus "$log" 60 http_ok "$PROMETHEUS_URL/-/ready"
    say "prometheus: already running on $HOST:$PROMETHEUS_PORT (pid $pid)"
    return 0
  fi
  rm -f "$(pidfile prometheus)"
  ensure_prometheus_packages prometheus
  free_port prometheus "$PROMETHEUS_PORT"
  local t0=$EPOCHREALTIME
  mkdir -p "$d"
  if [ "$KEEP_DATA" != 1 ]; then rm -rf "$d/data" "$d/targets" "$d/rules"; fi
  mkdir -p "$d/data" "$d/targets" "$d/rules"
  [ -f "$log" ] && mv -f "$log" "$log.1"
  promtool check rules "$RULES_FILE" >"$d/check.log" 2>&1 || fail prometheus "promtool check rules rejected $RULES_FILE" "$d/check.log"
  cat >"$d/prometheus.yml" <<EOF
# written by scripts/services.sh. Tests add scrape targets as file_sd JSON in
# $d/targets/*.json and extra rule files in $d/rules/*.yml (then POST /-/reload).
global:
  scrape_interval: 2s
  scrape_timeout: 1s
  evaluation_interval: 2s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["$HOST:$ALERTMANAGER_PORT"]
rule_files:
  - "$RULES_FILE"
  - "$d/rules/*.yml"
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["$HOST:$PROMETHEUS_PORT"]
  - job_name: alertmanager
    static_configs:
      - targets: ["$HOST:$ALERTMANAGER_PORT"]
  - job_name: plantops
    file_sd_configs:
      - files: ["$d/targets/*.json"]
        refresh_interval: 2s
EOF
  promtool check config "$d/prometheus.yml" >"$d/check.log" 2>&1 || fail prometheus "promtool check config rejected $d/prometheus.yml" "$d/check.log"
  spawn prometheus "$log" prometheus \
    "--config.file=$d/prometheus.yml" "--storage.tsdb.path=$d/data" \
    "--storage.tsdb.retention.time=6h" "--web.listen-address=$HOST:$PROMETHEUS_PORT" \
    --web.enable-lifecycle --web.enable-admin-api
  wait_until prometheus "$log" 60 http_ok "$PROMETHEUS_URL/-/ready"
  say "prometheus: started on $PROMETHEUS_URL with $(grep -c '^ *- alert:' "$RULES_FILE") alert rules (pid $(cat "$(pidfile prometheus)"), $(since "$t0"))"
}

status_prometheus() {
  local pid
  if pid=$(our_pid prometheus) && http_ok "$PROMETHEUS_URL/-/ready"; then say "prometheus: up on $PROMETHEUS_URL (pid $pid)"; else say "prometheus: DOWN"; return 1; fi
}

# ---------------------------------------------------------------- env file

write_env() {
  local tmp
  tmp=$(mktemp "$SVC_DIR/.env.XXXXXX")
  cat >"$tmp" <<EOF
# written by scripts/services.sh start; source it: . $SVC_DIR/env
export PLANTOPS_SERVICES_DIR='$SVC_DIR'
export PLANTOPS_TEST_PG_URL='$PG_URL'
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING='postgresql://postgres@$HOST:$PG_PORT'
export PLANTOPS_TEST_KAFKA_BROKERS='$HOST:$KAFKA_PORT'
export PLANTOPS_TEST_KAFKA_VERSION='$(kafka_version)'
export PLANTOPS_TEST_KAFKA_CLASSPATH='${KAFKA_LIB:+$KAFKA_LIB/*}'
export PLANTOPS_TEST_PROMETHEUS_URL='$PROMETHEUS_URL'
export PLANTOPS_TEST_PROMETHEUS_TARGETS_DIR='$SVC_DIR/prometheus/targets'
export PLANTOPS_TEST_PROMETHEUS_RULES_DIR='$SVC_DIR/prometheus/rules'
export PLANTOPS_TEST_ALERTMANAGER_URL='$ALERTMANAGER_URL'
export PLANTOPS_TEST_MQTT_URL='mqtt://$HOST:$MQTT_PORT'
EOF
  chmod 644 "$tmp"
  mv -f "$tmp" "$SVC_DIR/env"
  say "env: wrote $SVC_DIR/env"
}

# ---------------------------------------------------------------- main

usage() {
  echo "usage: $0 start|stop|status [${ALL_SERVICES[*]}]" >&2
  exit 2
}

selected() {
  local s w
  for s in "$@"; do
    for w in "${WANT[@]}"; do if [ "$s" = "$w" ]; then printf '%s\n' "$s"; fi; done
  done
  return 0
}

cmd=${1:-}
[ -n "$cmd" ] || usage
shift
WANT=("$@")
[ ${#WANT[@]} -gt 0 ] || WANT=("${ALL_SERVICES[@]}")
for w in "${WANT[@]}"; do
  case " ${ALL_SERVICES[*]} " in *" $w "*) ;; *) echo "services: unknown service '$w'" >&2; usage ;; esac
done

mkdir -p "$SVC_DIR/logs"
exec 9>"$SVC_DIR/.lock"
flock -w 600 9 || { echo "services: another services.sh holds $SVC_DIR/.lock" >&2; exit 1; }

case "$cmd" in
  start)
    T0=$EPOCHREALTIME
    for s in $(selected "${ALL_SERVICES[@]}"); do "start_$s"; done
    [ -n "$KAFKA_LIB" ] || { [ -d "$CACHE_DIR" ] && KAFKA_LIB=$(ls -d "$CACHE_DIR/kafka-$(kafka_version)-$(sha256sum "$KAFKA_POM" | cut -c1-12)" 2>/dev/null || true); }
    write_env
    say "all started ($(since "$T0"))"
    ;;
  stop)
    for s in $(selected "${OWN_SERVICES[@]}"); do stop_service "$s"; done
    for s in $(selected postgres mosquitto); do say "$s: left running (not started by this script)"; done
    if [ ${#WANT[@]} -eq ${#ALL_SERVICES[@]} ]; then rm -f "$SVC_DIR/env"; fi
    ;;
  status)
    rc=0
    for s in $(selected "${ALL_SERVICES[@]}"); do "status_$s" || rc=3; done
    exit "$rc"
    ;;
  *) usage ;;
esac
