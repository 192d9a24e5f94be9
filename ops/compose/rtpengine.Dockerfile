# RTPEngine for the compose stack: Debian bookworm's rtpengine-daemon, userspace forwarding
# (no kernel module, as tools/stack runs it). Build from the repository root:
#   docker build -f ops/compose/rtpengine.Dockerfile .
ARG DEBIAN_IMAGE=debian:12.11-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rtpengine-daemon \
  && rm -rf /var/lib/apt/lists/*
COPY ops/compose/rtpengine-entrypoint.sh /usr/local/bin/careflow-rtpengine
COPY ops/compose/rtpengine-health.sh /usr/local/bin/careflow-rtpengine-health
RUN chmod 0755 /usr/local/bin/careflow-rtpengine /usr/local/bin/careflow-rtpengine-health
# The Debian package made the rtpengine user.
USER rtpengine
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/careflow-rtpengine-health"]
ENTRYPOINT ["/usr/local/bin/careflow-rtpengine"]
