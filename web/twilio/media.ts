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

/**
 * Pauses before fetching a recording again: Twilio may answer 404 for a moment after its callback,
 * and a 5xx or a dropped connection is worth another try. Within Twilio's 15 s webhook wait.
 */
export const FETCH_RETRY_DELAYS_MS = [500, 2_000, 5_000];

/** Twilio's REST origin (tests: their stand-in's). */
export const TWILIO_API_ORIGIN = "https://api.twilio.com";

/**
 * The media client; `httpClient` replaces the library's request client and `fetchImpl` the media
 * download (both only in tests, pointed at a local stand-in).
 */
export function createTwilioMedia(
  config: TwilioConfig,
  o: {
    httpClient?: InstanceType<typeof twilio.RequestClient>;
    fetchImpl?: typeof fetch;
    retryDelaysMs?: number[];
  } = {},
): TwilioMedia {
  const client = twilio(config.accountSid, config.authToken, { httpClient: o.httpClient });
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
  const fetchImpl = o.fetchImpl ?? fetch;
  return {
    async fetchRecording(recordingUrl) {
      const delays = [...(o.retryDelaysMs ?? FETCH_RETRY_DELAYS_MS)];
      for (;;) {
        const outcome = await fetchOnce(fetchImpl, `${recordingUrl}.mp3`, authorization);
        if ("body" in outcome) return outcome.body;
        const delay = delays.shift();
        if (delay === undefined) throw outcome.failure;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    },
    async deleteRecording(recordingSid) {
      await client.recordings(recordingSid).remove();
    },
  };
}

/** One download: the body, a failure worth another try, or a throw for one that is not. */
async function fetchOnce(
  fetchImpl: typeof fetch,
  url: string,
  authorization: string,
): Promise<{ body: ReadableStream<Uint8Array> } | { failure: Error }> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { authorization },
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    return { failure: error as Error };
  }
  if (response.ok && response.body) return { body: response.body };
  await response.body?.cancel();
  const failure = new Error(`Twilio answered ${response.status} for a recording`);
  // Refused credentials or a bad request do not get better by asking again.
  if (response.status === 404 || response.status === 429 || response.status >= 500) {
    return { failure };
  }
  throw failure;
}
