/**
 * Call quality, the same words for every call path: a MOS from what the media path measured
 * (FreeSWITCH reports its own MOS; a browser's `getStats()` gives round-trip time, jitter and loss,
 * from which `estimateMos` derives one) and the grade the history shows.
 */
import type { CallQuality } from "./calls.ts";

/** The grades shown in the history, best first. */
export const QUALITY_GRADES = ["good", "fair", "poor"] as const;
export type QualityGrade = (typeof QUALITY_GRADES)[number];

/**
 * The grade of a MOS: 4.0 and up is what a good phone line sounds like ("good"), 3.6 to 4.0 is
 * noticeably degraded but fine to talk ("fair"), below 3.6 people complain ("poor"); the
 * thresholds follow ITU-T G.107's user-satisfaction bands.
 */
export function qualityGrade(quality: Pick<CallQuality, "mos">): QualityGrade {
  if (quality.mos >= 4.0) return "good";
  if (quality.mos >= 3.6) return "fair";
  return "poor";
}

/**
 * A MOS estimated from network measurements with the simplified E-model (ITU-T G.107): the
 * transmission rating R starts at 93.2 and loses points for delay (one-way: half the RTT plus
 * twice the jitter, as a jitter buffer adds about that) and for packet loss (Opus conceals loss
 * well, so its loss penalty is milder than G.711's), then maps to MOS. Inputs out of range are
 * clamped, so a bad measurement cannot produce a score outside 1-5.
 */
export function estimateMos(
  input: { rttMs: number; jitterMs: number; lossPercent: number },
): number {
  const rtt = clamp(input.rttMs, 0, 10_000);
  const jitter = clamp(input.jitterMs, 0, 10_000);
  const loss = clamp(input.lossPercent, 0, 100);
  const delay = rtt / 2 + 2 * jitter + 10;
  const delayPenalty = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  // Effective equipment impairment for Opus-like codecs with loss concealment (Ie=0, Bpl≈20).
  const lossPenalty = 95 * (loss / (loss + 20));
  const r = clamp(93.2 - delayPenalty - lossPenalty, 0, 100);
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.round(clamp(mos, 1, 5) * 100) / 100;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : max;
}
