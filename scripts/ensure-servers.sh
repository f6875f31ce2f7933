#!/usr/bin/env bash
# Starts any local server the shop needs that is not answering on loopback. The commands are this
# machine's (Debian packages); elsewhere, start the servers your own way.
#   usage: scripts/ensure-servers.sh [postgres] [redis] [rabbitmq] [nats] [mosquitto] [mariadb]
# With no arguments: all of them.
set -uo pipefail

answering() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  case "$1" in
    postgres) pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start ;;
    redis) redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log ;;
    rabbitmq) rabbitmq-server -detached ;;
    mosquitto) mosquitto -d -c /etc/mosquitto/mosquitto.conf ;;
    nats) start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log ;;
    mariadb) start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd ;;
  esac
}

declare -A PORT=([postgres]=5432 [redis]=6379 [rabbitmq]=5672 [nats]=4222 [mosquitto]=1883 [mariadb]=3306)
servers=("$@")
[ ${#servers[@]} -gt 0 ] || servers=(postgres redis rabbitmq nats mosquitto mariadb)

status=0
for s in "${servers[@]}"; do
  port=${PORT[$s]:?unknown server $s}
  answering "$port" && continue
  echo "[servers] $s is not answering on 127.0.0.1:$port; starting it" >&2
  start "$s" >&2 || true
  for _ in $(seq 1 60); do answering "$port" && break; sleep 1; done
  if answering "$port"; then echo "[servers] $s is up" >&2; else echo "[servers] $s did not come up on $port" >&2; status=1; fi
done
exit $status
