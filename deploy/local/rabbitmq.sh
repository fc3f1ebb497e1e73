#!/usr/bin/env bash
# Runs a RabbitMQ node from the machine's own rabbitmq-server, in the foreground, for EU CyberNet:
# the AppHost starts it as an executable resource, the test fixture and CI start it the same way.
#
#   rabbitmq.sh <data-dir> <amqp-port> <management-port> <node-name> <user> <password-file> [dist-port]
#
# Everything the node writes (mnesia, logs, feature flags, its Erlang cookie) stays under
# <data-dir>, and ports and node name are its own, so it runs beside any other node on the
# machine. The management plugin is on (loopback only). `rabbitmqctl` needs the same cookie:
#   HOME=<data-dir> rabbitmqctl -n <node-name> status
# RABBITMQ_STATS_INTERVAL_MS (optional) sets how often queue figures in the management API are
# refreshed (RabbitMQ's default: 5000 ms); the fault drills ask for 250 to see deliveries in flight.
set -euo pipefail

usage="usage: rabbitmq.sh <data-dir> <amqp-port> <management-port> <node-name> <user> <password-file> [dist-port]"
data=${1:?$usage}; amqp_port=${2:?$usage}; management_port=${3:?$usage}
node=${4:?$usage}; user=${5:?$usage}; password_file=${6:?$usage}

server=/usr/lib/rabbitmq/bin/rabbitmq-server
if [ ! -x "$server" ]; then
  server=$(command -v rabbitmq-server || true)
fi
if [ -z "$server" ]; then
  echo "rabbitmq.sh: rabbitmq-server not found. Install it (Debian: apt-get install -y rabbitmq-server)." >&2
  exit 127
fi

mkdir -p "$data/mnesia" "$data/log"
data=$(realpath "$data")
password=$(tr -d '\n' < "$password_file")

cat > "$data/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$amqp_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $management_port
default_user = $user
default_pass = $password
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
default_user_tags.administrator = true
loopback_users = none
disk_free_limit.absolute = 100MB
CONF
if [ -n "${RABBITMQ_STATS_INTERVAL_MS:-}" ]; then
  echo "collect_statistics_interval = $RABBITMQ_STATS_INTERVAL_MS" >> "$data/rabbitmq.conf"
fi
chmod 600 "$data/rabbitmq.conf"
echo "[rabbitmq_management]." > "$data/enabled_plugins"

dist_port=${7:-$((amqp_port + 20000 > 65535 ? amqp_port - 20000 : amqp_port + 20000))}
export HOME="$data" \
  RABBITMQ_NODENAME="$node" \
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT="$amqp_port" \
  RABBITMQ_DIST_PORT="$dist_port" \
  RABBITMQ_MNESIA_BASE="$data/mnesia" \
  RABBITMQ_LOG_BASE="$data/log" \
  RABBITMQ_LOGS=- \
  RABBITMQ_FEATURE_FLAGS_FILE="$data/feature_flags" \
  RABBITMQ_CONFIG_FILE="$data/rabbitmq" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$data/enabled_plugins" \
  RABBITMQ_PID_FILE="$data/rabbitmq.pid" \
  ERL_EPMD_ADDRESS=127.0.0.1 \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
exec "$server"
