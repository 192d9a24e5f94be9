#!/bin/sh
# Checks the environment CareFlow's FreeSWITCH configuration reads (vars.xml), before FreeSWITCH
# parses it: freeswitch.xml runs this script through the preprocessor's "exec", which pastes its
# standard output into the XML. So it prints nothing when all is well. On a problem it explains on
# stderr and prints a stray closing tag; the XML then does not parse and FreeSWITCH exits with
#   Cannot Initialize [[error near line N]: unexpected closing tag </careflow-config-error:NAME>]
# (FreeSWITCH itself would fall back to the well-known password "ClueCon" for an empty ESL one.)
# Values also must not break the XML they are pasted into, nor the space-separated arguments of
# the dialplan applications: hence the narrow character sets below.

failed=""

fail() {
  echo "careflow preflight: $1 $2" >&2
  printf '</careflow-config-error:%s>\n' "$1"
  failed=1
}

# Characters safe in a password or user name: no quotes, <, >, &, $, backslash or whitespace.
SAFE='[A-Za-z0-9!#%*+,./:;=?@^_~-]'
HOST='[A-Za-z0-9.-]+'
IPV4='[0-9]{1,3}(\.[0-9]{1,3}){3}'
CIDRS="$IPV4/[0-9]{1,2}(,$IPV4/[0-9]{1,2})*"
PORT='[0-9]{1,5}'
DIR='/[A-Za-z0-9._+@=:,/-]*'

# check NAME REGEX WHAT [MAX]: when NAME is set, its whole value must match REGEX (extended) and
# be at most MAX characters long (default 253; lengths are not counted in the regex, as some
# grep builds allow no bound above 255).
check() {
  eval "set_=\${$1+x} value_=\${$1-}"
  [ -n "$set_" ] || return 0
  case $value_ in
  *'
'*) fail "$1" "must be one line" ;;
  *)
    if [ "${#value_}" -gt "${4:-253}" ]; then
      fail "$1" "must be at most ${4:-253} characters"
    elif ! printf '%s\n' "$value_" | grep -Eqx "$2"; then
      fail "$1" "must be $3"
    fi
    ;;
  esac
}

if [ -z "${FREESWITCH_ESL_PASSWORD-}" ]; then
  fail FREESWITCH_ESL_PASSWORD "is required (the agent's ESL password)"
else
  check FREESWITCH_ESL_PASSWORD "$SAFE+" "made of A-Z a-z 0-9 !#%*+,./:;=?@^_~-" 256
fi
check FREESWITCH_ESL "$HOST:$PORT" "host:port"
check FREESWITCH_ESL_ACL "$CIDRS" "a comma-separated list of IPv4 CIDRs"
check SIP_DOMAIN "[A-Za-z0-9.-]+" "a domain name"

check FREESWITCH_SIP_IP "$IPV4" "an IPv4 address"
check FREESWITCH_SIP_PORT "$PORT" "a port"
check FREESWITCH_RTP_IP "$IPV4" "an IPv4 address"
check FREESWITCH_RTP_PORT_MIN "$PORT" "a port"
check FREESWITCH_RTP_PORT_MAX "$PORT" "a port"
check FREESWITCH_CODECS "[A-Za-z0-9.@_,-]+" "a codec list like OPUS,PCMA,PCMU"

check KAMAILIO_SIP "$HOST:$PORT" "host:port"
check KAMAILIO_SIP_ACL "$CIDRS" "a comma-separated list of IPv4 CIDRs"
# The ACL defaults to Kamailio's own address, which must then be an address, not a name.
if [ -n "${KAMAILIO_SIP-}" ] && [ -z "${KAMAILIO_SIP_ACL-}" ]; then
  check KAMAILIO_SIP "$IPV4:$PORT" "an IPv4 address:port (or set KAMAILIO_SIP_ACL)"
fi

check FREESWITCH_TRUNK "$HOST:$PORT" "host:port"
check FREESWITCH_TRUNK_DOMAIN "[A-Za-z0-9.-]+" "a domain name"
check FREESWITCH_TRUNK_ACL "$CIDRS" "a comma-separated list of IPv4 CIDRs"
if [ -n "${FREESWITCH_TRUNK-}" ] && [ -z "${FREESWITCH_TRUNK_ACL-}" ]; then
  check FREESWITCH_TRUNK "$IPV4:$PORT" "an IPv4 address:port (or set FREESWITCH_TRUNK_ACL)"
fi
check FREESWITCH_TRUNK_REGISTER "true|false" "true or false"
check FREESWITCH_TRUNK_USERNAME "$SAFE*" "made of A-Z a-z 0-9 !#%*+,./:;=?@^_~-" 128
check FREESWITCH_TRUNK_PASSWORD "$SAFE*" "made of A-Z a-z 0-9 !#%*+,./:;=?@^_~-" 256
if [ "${FREESWITCH_TRUNK_REGISTER-}" = true ] &&
  { [ -z "${FREESWITCH_TRUNK_USERNAME-}" ] || [ -z "${FREESWITCH_TRUNK_PASSWORD-}" ]; }; then
  fail FREESWITCH_TRUNK_REGISTER "needs FREESWITCH_TRUNK_USERNAME and FREESWITCH_TRUNK_PASSWORD"
fi
check FREESWITCH_TRUNK_SIP_IP "$IPV4" "an IPv4 address"
check FREESWITCH_TRUNK_SIP_PORT "$PORT" "a port"
check FREESWITCH_TRUNK_EXT_IP "$IPV4" "an IPv4 address"
check FREESWITCH_TRUNK_CODECS "[A-Za-z0-9.@_,-]+" "a codec list like PCMA,PCMU"
check FREESWITCH_PSTN_VIA "trunk|kamailio" "trunk or kamailio"
check ORG_CALLER_NUMBER "(\+[1-9][0-9]{7,14})?" "an E.164 number like +442071234567 (or empty)"

check FREESWITCH_RING_TIMEOUT "[1-9][0-9]{0,2}" "seconds (1-999)"
check FREESWITCH_CDR_DIR "$DIR" "an absolute path (A-Z a-z 0-9 ._+@=:,/- only)"
check RECORDINGS_SPOOL_DIR "$DIR" "an absolute path (A-Z a-z 0-9 ._+@=:,/- only)"
check VOICEMAIL_GREETINGS_DIR "$DIR" "an absolute path (A-Z a-z 0-9 ._+@=:,/- only)"
check FREESWITCH_LOG_LEVEL "debug|info|notice|warning|err|crit|alert" "a log level (debug, info, ...)"

[ -z "$failed" ] || echo "careflow preflight: FreeSWITCH will not start (see pbx/freeswitch/README.md)" >&2
exit 0
