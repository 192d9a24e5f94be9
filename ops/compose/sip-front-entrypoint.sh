#!/bin/sh
# The TCP front (pbx/haproxy) in the Kamailio image, run as its own compose service: HAProxy on
# the public SIP/TCP, WS (and with KAMAILIO_TLS=yes, TLS and WSS) ports, Kamailio behind it on
# loopback (KAMAILIO_TCP_FRONT=yes). Every setting is checked before HAProxy starts.
#   KAMAILIO_SIP_IP           required: the public address (Kamailio advertises it)
#   KAMAILIO_SIP_PORT 5060, KAMAILIO_WS_PORT 8080; with KAMAILIO_TLS=yes also 5061 and 8443
#   CONNECTIONS_PER_SOURCE 64     connections one address may hold at once
#   CONNECTION_RATE_PER_SOURCE 200  new connections one address may open per 10 s
#   FIRST_BYTE_TIMEOUT 5s         how long a new connection may say nothing
#   MAX_CONNECTIONS 8000          in all (Kamailio's own limit is 2048 per process group)
# `careflow-sip-front check` checks the configuration and exits.
set -eu
mode=${1:-run}
dir=${HAPROXY_CFG_DIR:-/etc/haproxy/careflow}

fail() {
  echo "careflow-sip-front: $1" >&2
  exit 64
}
match() {
  printf '%s' "$2" | grep -Eqx "$3" || fail "$1 must be $4 (got '$2')"
}

export FRONT_PUBLIC_IP="${KAMAILIO_SIP_IP:-}"
match KAMAILIO_SIP_IP "$FRONT_PUBLIC_IP" "[0-9]{1,3}(\.[0-9]{1,3}){3}" "an IPv4 address"
export SIP_PORT="${KAMAILIO_SIP_PORT:-5060}" WS_PORT="${KAMAILIO_WS_PORT:-8080}"
export FRONT_IP=127.0.0.1 FRONT_SIP_PORT=15060 FRONT_WS_PORT=18080
export TLS_PORT=5061 WSS_PORT=8443 FRONT_TLS_PORT=15061 FRONT_WSS_PORT=18443
export CONNECTIONS_PER_SOURCE="${CONNECTIONS_PER_SOURCE:-64}"
export CONNECTION_RATE_PER_SOURCE="${CONNECTION_RATE_PER_SOURCE:-200}"
export FIRST_BYTE_TIMEOUT="${FIRST_BYTE_TIMEOUT:-5s}"
export MAX_CONNECTIONS="${MAX_CONNECTIONS:-8000}"
for name in SIP_PORT WS_PORT; do
  eval "value=\$$name"
  match "KAMAILIO_$name" "$value" "[1-9][0-9]{0,4}" "a port"
done
match CONNECTIONS_PER_SOURCE "$CONNECTIONS_PER_SOURCE" "[1-9][0-9]{0,5}" "a number"
match CONNECTION_RATE_PER_SOURCE "$CONNECTION_RATE_PER_SOURCE" "[1-9][0-9]{0,5}" "a number"
match FIRST_BYTE_TIMEOUT "$FIRST_BYTE_TIMEOUT" "[1-9][0-9]{0,3}(ms|s)" "a duration like 5s"
match MAX_CONNECTIONS "$MAX_CONNECTIONS" "[1-9][0-9]{0,5}" "a number"

set -- -f "$dir/haproxy.cfg"
case ${KAMAILIO_TLS:-no} in
yes | true | 1) set -- "$@" -f "$dir/haproxy-tls.cfg" ;;
no | false | 0 | "") ;;
*) fail "KAMAILIO_TLS must be yes or no" ;;
esac
if [ "$mode" = check ]; then
  exec haproxy -c "$@"
fi
exec haproxy -db "$@"
