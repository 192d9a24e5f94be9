/**
 * Twilio's copy of a recording: fetched (authenticated) once the recording is complete, and
 * deleted there once stored here, so patient conversations do not linger at a third party. The
 * deletion goes through the `twilio` library's REST client; tests point its request client at a
 * local stand-in for Twilio.
 */
import twilio from "twilio";
import type { TwilioConfig } from "./config.ts";

/** What CareFlow asks of Twilio about recordings. */
export interface TwilioMedia {
  /** The recording's MP3, streamed; throws when Twilio does not give it. */
  fetchRecording(recordingUrl: string): Promise<ReadableStream<Uint8Array>>;
  /** Deletes Twilio's copy. */
  deleteRecording(recordingSid: string): Promise<void>;
}

/** Recording URLs are Twilio's own: a webhook naming another host is not followed. */
export function isTwilioRecordingUrl(url: string, accountSid: string, origin: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.origin === origin &&
      parsed.pathname.startsWith(`/2010-04-01/Accounts/${accountSid}/Recordings/RE`);
  } catch {
    return false;
  }
}

/** Twilio's REST origin (tests: their stand-in's). */
export const TWILIO_API_ORIGIN = "https://api.twilio.com";

/**
 * The media client; `httpClient` replaces the library's request client and `fetchImpl` the media
 * download (both only in tests, pointed at a local stand-in).
 */
export function createTwilioMedia(
  config: TwilioConfig,
  o: { httpClient?: InstanceType<typeof twilio.RequestClient>; fetchImpl?: typeof fetch } = {},
): TwilioMedia {
  const client = twilio(config.accountSid, config.authToken, { httpClient: o.httpClient });
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
  const fetchImpl = o.fetchImpl ?? fetch;
  return {
    async fetchRecording(recordingUrl) {
      const response = await fetchImpl(`${recordingUrl}.mp3`, {
        headers: { authorization },
        signal: AbortSignal.timeout(60_000),
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new Error(`Twilio answered ${response.status} for a recording`);
      }
      return response.body;
    },
    async deleteRecording(recordingSid) {
      await client.recordings(recordingSid).remove();
    },
  };
}
