#!/bin/sh
# Starts RTPEngine (userspace forwarding, no kernel module) in the compose stack, with the command
# line tools/stack/stack.ts uses on loopback, its addresses and port range from the environment.
#
# Environment:
#   RTPENGINE_IP          required: the host address media is sent from and received on
#   RTPENGINE_ADVERTISE_IP  empty: the public address put in SDP when the host is behind 1:1 NAT
#   RTPENGINE_PORT_MIN 30000, RTPENGINE_PORT_MAX 39999: the media port range (UDP)
#   RTPENGINE_NG          127.0.0.1:2223: the ng control socket Kamailio talks to (keep loopback)
#   RTPENGINE_LOG_LEVEL   5 (syslog levels: 6 info, 7 debug)
set -eu

fail() {
  echo "careflow-rtpengine: $1" >&2
  exit 64
}

match() {
  printf '%s\n' "$2" | grep -Eqx "$3" || fail "$1 must be $4"
}

IPV4='[0-9]{1,3}(\.[0-9]{1,3}){3}'
PORT='[0-9]{1,5}'

ip=${RTPENGINE_IP:-}
[ -n "$ip" ] || fail "RTPENGINE_IP is required (the host address media flows through)"
match RTPENGINE_IP "$ip" "$IPV4" "an IPv4 address"
interface=$ip
advertise=${RTPENGINE_ADVERTISE_IP:-}
if [ -n "$advertise" ]; then
  match RTPENGINE_ADVERTISE_IP "$advertise" "$IPV4" "an IPv4 address"
  interface="$ip!$advertise"
fi
min=${RTPENGINE_PORT_MIN:-30000}
max=${RTPENGINE_PORT_MAX:-39999}
match RTPENGINE_PORT_MIN "$min" "$PORT" "a port"
match RTPENGINE_PORT_MAX "$max" "$PORT" "a port"
[ "$min" -lt "$max" ] || fail "RTPENGINE_PORT_MIN must be below RTPENGINE_PORT_MAX"
ng=${RTPENGINE_NG:-127.0.0.1:2223}
match RTPENGINE_NG "$ng" "$IPV4:$PORT" "an IPv4 address:port"
level=${RTPENGINE_LOG_LEVEL:-5}
match RTPENGINE_LOG_LEVEL "$level" "[0-7]" "a log level 0-7"

exec rtpengine \
  --config-file=none \
  --foreground \
  --log-stderr \
  --table=-1 \
  "--interface=$interface" \
  "--listen-ng=$ng" \
  "--port-min=$min" \
  "--port-max=$max" \
  "--log-level=$level"
