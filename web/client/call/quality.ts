import type { CallQuality } from "../../../shared/calls.ts";
import { estimateMos, qualityGrade } from "../../../shared/quality.ts";
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
 * The network measurements of a sample as a MOS (`shared/quality.ts`'s E-model), or null when
 * getStats had nothing yet. What the live indicator grades and what is reported at hang-up.
 */
export function sampleMos(sample: QualitySample): CallQuality | null {
  const { roundTripTime: rtt, jitter, lossRatio: loss } = sample;
  if (rtt === null && jitter === null && loss === null) return null;
  const measured = {
    rttMs: (rtt ?? 0) * 1000,
    jitterMs: (jitter ?? 0) * 1000,
    lossPercent: (loss ?? 0) * 100,
  };
  return {
    mos: estimateMos(measured),
    jitterMs: measured.jitterMs,
    lossPercent: measured.lossPercent,
  };
}

/** The grade of a sample, the same grade the history shows for the call afterwards. */
export function gradeQuality(sample: QualitySample): Quality | null {
  const quality = sampleMos(sample);
  return quality ? qualityGrade(quality) : null;
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

/** The mean of a call's quality samples: what the call is remembered as. */
export function createQualityAverage() {
  let count = 0;
  const sum = { mos: 0, jitterMs: 0, lossPercent: 0 };
  return {
    add(quality: CallQuality | null): void {
      if (!quality) return;
      count++;
      sum.mos += quality.mos;
      sum.jitterMs += quality.jitterMs;
      sum.lossPercent += quality.lossPercent;
    },
    value(): CallQuality | null {
      if (count === 0) return null;
      const round = (value: number) => Math.round((value / count) * 100) / 100;
      return {
        mos: round(sum.mos),
        jitterMs: round(sum.jitterMs),
        lossPercent: round(sum.lossPercent),
      };
    },
  };
}
