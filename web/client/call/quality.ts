import type { Quality } from "./types.ts";

/** What getStats tells about a live audio call. */
export interface QualitySample {
  /** Seconds; from remote-inbound-rtp or the candidate pair. */
  roundTripTime: number | null;
  /** Seconds; from inbound-rtp. */
  jitter: number | null;
  /** 0..1 over the last interval. */
  lossRatio: number | null;
}

/**
 * Grades a call like the ITU-T G.114 / E-model rules of thumb: under 300 ms RTT, 30 ms jitter
 * and 1 % loss sounds good; past 500 ms, 60 ms or 5 % people notice.
 */
export function gradeQuality(sample: QualitySample): Quality | null {
  const { roundTripTime: rtt, jitter, lossRatio: loss } = sample;
  if (rtt === null && jitter === null && loss === null) return null;
  if ((rtt ?? 0) > 0.5 || (jitter ?? 0) > 0.06 || (loss ?? 0) > 0.05) return "poor";
  if ((rtt ?? 0) > 0.3 || (jitter ?? 0) > 0.03 || (loss ?? 0) > 0.01) return "fair";
  return "good";
}

interface Counters {
  received: number;
  lost: number;
}

/** Reads one sample from an RTCStatsReport, with loss measured since the previous sample. */
export function sampleStats(
  report: RTCStatsReport,
  previous: Counters | null,
): { sample: QualitySample; counters: Counters } {
  let rtt: number | null = null;
  let jitter: number | null = null;
  const counters: Counters = { received: 0, lost: 0 };
  report.forEach((stat) => {
    if (stat.type === "inbound-rtp" && stat.kind === "audio") {
      jitter = stat.jitter ?? jitter;
      counters.received += stat.packetsReceived ?? 0;
      counters.lost += Math.max(0, stat.packetsLost ?? 0);
    } else if (stat.type === "remote-inbound-rtp" && stat.roundTripTime !== undefined) {
      rtt = stat.roundTripTime;
    } else if (stat.type === "candidate-pair" && stat.nominated && rtt === null) {
      rtt = stat.currentRoundTripTime ?? null;
    }
  });
  const received = counters.received - (previous?.received ?? 0);
  const lost = counters.lost - (previous?.lost ?? 0);
  const lossRatio = received + lost > 0 ? lost / (received + lost) : null;
  return { sample: { roundTripTime: rtt, jitter, lossRatio }, counters };
}
