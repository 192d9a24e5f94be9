#!/bin/sh
# Starts CareFlow's Kamailio (pbx/kamailio/kamailio.cfg) in the compose stack: renders its
# preprocessor defines (-A NAME=value, see pbx/README.md "Settings") from the environment, the way
# tools/stack/kamailio.ts does on loopback, and writes the FreeSWITCH dispatcher list.
#
#   careflow-kamailio [run]    run in the foreground, logs on stderr
#   careflow-kamailio check    only check the rendered configuration (kamailio -c) and exit
#
# Environment (values are checked here: a define is pasted into the config, so a stray quote would
# change it):
#   KAMAILIO_SIP_IP       required: the host address SIP, WS (and TLS/WSS) listen on (not 0.0.0.0)
#   SIP_DOMAIN            required: SIP domain and digest realm (web's and the agent's SIP_DOMAIN)
#   KAMAILIO_SIP_PORT     5060      KAMAILIO_WS_PORT   8080
#   KAMAILIO_TLS          no        yes: TLS 5061 and WSS 8443 (certificates in /etc/kamailio/certs)
#   AGENT_PORT            7070      the agent on 127.0.0.1 (HA1s, routes)
#   RTPENGINE_NG          127.0.0.1:2223   RTPEngine's ng control socket (UDP)
#   RING_TIMEOUT_SECONDS  45        web's ring time; Kamailio gets it in milliseconds
#   FREESWITCH_NODES      empty     comma-separated host:port of FreeSWITCH SIP profiles: turns on
#                                   WITH_FREESWITCH with these nodes (set 1 of the dispatcher)
#   KAMAILIO_TRUNK_URI    empty     sip:host:port of a SIP trunk: turns on WITH_TRUNK
#   KAMAILIO_TCP_FRONT    no        yes: the sip-front service (HAProxy) holds the TCP/WS/TLS
#                                   ports, Kamailio's sit behind it on 127.0.0.1 (WITH_TCP_FRONT)
#   ORG_CALLER_NUMBER     empty     E.164 calling number when a caller has none of their own
#   KAMAILIO_CHILDREN     4         worker processes per listener
#   KAMAILIO_SHM_MB 512, KAMAILIO_PKG_MB 16: shared and per-process memory (each authenticated
#                         request is a transaction kept 5 s: a 10,000-phone storm takes ~200 MB)
#   KAMAILIO_CFG          /etc/kamailio/careflow/kamailio.cfg
#   KAMAILIO_RUN_DIR      /run/kamailio (the dispatcher list is written here)
# JSON-RPC (127.0.0.1:5071) and evapi (127.0.0.1:5072) stay on loopback: the agent, also on the
# host network, connects there; nothing else may.
set -eu

mode=${1:-run}
case $mode in
run | check) ;;
*) echo "usage: careflow-kamailio [run|check]" >&2 && exit 64 ;;
esac

fail() {
  echo "careflow-kamailio: $1" >&2
  exit 64
}

# match NAME VALUE EXTENDED-REGEX WHAT: the whole value must match.
match() {
  printf '%s\n' "$2" | grep -Eqx "$3" || fail "$1 must be $4"
}

IPV4='[0-9]{1,3}(\.[0-9]{1,3}){3}'
PORT='[0-9]{1,5}'
HOST='[A-Za-z0-9.-]+'

sip_ip=${KAMAILIO_SIP_IP:-}
[ -n "$sip_ip" ] || fail "KAMAILIO_SIP_IP is required (the host address SIP listens on)"
match KAMAILIO_SIP_IP "$sip_ip" "$IPV4" "an IPv4 address"
[ "$sip_ip" != 0.0.0.0 ] || fail "KAMAILIO_SIP_IP must be a real address, not 0.0.0.0"
domain=${SIP_DOMAIN:-}
[ -n "$domain" ] || fail "SIP_DOMAIN is required (the SIP domain and digest realm)"
match SIP_DOMAIN "$domain" "[A-Za-z0-9.-]{1,253}" "a domain name"
sip_port=${KAMAILIO_SIP_PORT:-5060}
match KAMAILIO_SIP_PORT "$sip_port" "$PORT" "a port"
ws_port=${KAMAILIO_WS_PORT:-8080}
match KAMAILIO_WS_PORT "$ws_port" "$PORT" "a port"
agent_port=${AGENT_PORT:-7070}
match AGENT_PORT "$agent_port" "$PORT" "a port"
ng=${RTPENGINE_NG:-127.0.0.1:2223}
match RTPENGINE_NG "$ng" "$HOST:$PORT" "host:port"
ring=${RING_TIMEOUT_SECONDS:-45}
match RING_TIMEOUT_SECONDS "$ring" "[0-9]{1,3}(\.[0-9]+)?" "seconds, like 45"
ring_ms=$(awk -v s="$ring" 'BEGIN { printf "%d", s * 1000 + 0.5 }')
children=${KAMAILIO_CHILDREN:-4}
match KAMAILIO_CHILDREN "$children" "[1-9][0-9]{0,2}" "a number of processes (1-999)"
shm=${KAMAILIO_SHM_MB:-512}
match KAMAILIO_SHM_MB "$shm" "[1-9][0-9]{0,5}" "megabytes"
pkg=${KAMAILIO_PKG_MB:-16}
match KAMAILIO_PKG_MB "$pkg" "[1-9][0-9]{0,4}" "megabytes"
caller=${ORG_CALLER_NUMBER:-}
match ORG_CALLER_NUMBER "$caller" "(\+[1-9][0-9]{7,14})?" "an E.164 number like +442071234567"
# The agent answers HA1s only to Kamailio's credential (HTTP Basic kamailio:<secret>).
agent_secret=${KAMAILIO_API_SECRET:-}
match KAMAILIO_API_SECRET "$agent_secret" "[A-Za-z0-9_-]{16,}" "16 or more of A-Z a-z 0-9 _ -"
cfg=${KAMAILIO_CFG:-/etc/kamailio/careflow/kamailio.cfg}
run_dir=${KAMAILIO_RUN_DIR:-/run/kamailio}
# The credential goes in a file only Kamailio's user reads, not on its command line (which every
# local process can read): http_client's config file, [agent].
agent_http="$run_dir/agent-http.cfg"
(
  umask 077
  printf '[agent]\nurl = http://127.0.0.1:%s/kamailio\nusername = kamailio\npassword = %s\nauthmethod = 1\ntimeout = 2\n' \
    "$agent_port" "$agent_secret" >"$agent_http"
)

set -- -f "$cfg" -m "$shm" -M "$pkg" \
  -A "SIP_IP=$sip_ip" \
  -A "SIP_PORT=$sip_port" \
  -A "WS_PORT=$ws_port" \
  -A "RPC_IP=127.0.0.1" \
  -A "RPC_PORT=5071" \
  -A "EVAPI_BIND=\"127.0.0.1:5072\"" \
  -A "SIP_DOMAIN=\"$domain\"" \
  -A "AGENT_HTTP_CONFIG=\"$agent_http\"" \
  -A "RTPENGINE_SOCK=\"udp:$ng\"" \
  -A "RING_TIMEOUT=$ring_ms" \
  -A "CHILDREN=$children" \
  -A "ORG_CALLER_NUMBER=\"$caller\""

case ${KAMAILIO_TLS:-no} in
yes | true | 1)
  # tls.cfg names /etc/kamailio/certs/fullchain.pem and privkey.pem (mounted read-only).
  set -- "$@" -A WITH_TLS -A "TLS_CONFIG=\"$(dirname "$cfg")/tls.cfg\""
  ;;
no | false | 0 | "") ;;
*) fail "KAMAILIO_TLS must be yes or no" ;;
esac

nodes=${FREESWITCH_NODES:-}
if [ -n "$nodes" ]; then
  match FREESWITCH_NODES "$nodes" "$HOST:$PORT(,$HOST:$PORT)*" "comma-separated host:port"
  list="$run_dir/freeswitch.list"
  printf '%s\n' "$nodes" | tr ',' '\n' | awk 'NF { print "1 sip:" $1 " 0 0" }' >"$list"
  set -- "$@" -A WITH_FREESWITCH -A "FREESWITCH_LIST=\"$list\""
fi

case ${KAMAILIO_TCP_FRONT:-no} in
yes | true | 1) set -- "$@" -A WITH_TCP_FRONT ;;
no | false | 0 | "") ;;
*) fail "KAMAILIO_TCP_FRONT must be yes or no" ;;
esac

trunk=${KAMAILIO_TRUNK_URI:-}
if [ -n "$trunk" ]; then
  match KAMAILIO_TRUNK_URI "$trunk" "sip:$HOST:$PORT" "sip:host:port (the port is required)"
  set -- "$@" -A WITH_TRUNK -A "TRUNK_URI=\"$trunk\""
fi

if [ "$mode" = check ]; then
  exec kamailio -c "$@"
fi
exec kamailio -DD -E "$@"
