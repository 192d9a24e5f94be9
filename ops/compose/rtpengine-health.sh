#!/bin/bash
# Healthcheck of the compose stack's RTPEngine: an ng "ping" over UDP must be answered "pong"
# (what tools/stack/probes.ts asks). Bash for /dev/udp; dd reads exactly one datagram.
set -u
ng=${RTPENGINE_NG:-127.0.0.1:2223}
exec 3<>"/dev/udp/${ng%:*}/${ng##*:}" || exit 1
printf 'health d7:command4:pinge' >&3 || exit 1
reply=$(timeout 2 dd bs=512 count=1 status=none <&3 2>/dev/null) || exit 1
case $reply in
*pong*) exit 0 ;;
*) exit 1 ;;
esac
