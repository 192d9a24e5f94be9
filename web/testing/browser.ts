import { type Browser, chromium, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

/**
 * Launches Debian's headless Chromium (Playwright cannot download browsers here). `media` adds
 * fake microphone/camera devices and loopback ICE, for call tests.
 */
export async function launchChromium(options: { media?: boolean } = {}): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (the test command does).`);
  }
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ];
  if (options.media) {
    args.push(
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      "--allow-loopback-in-peer-connection",
    );
  }
  return await chromium.launch({ executablePath: CHROMIUM, args });
}

/**
 * Collects a page's errors: uncaught exceptions, and console errors (CSP violations among them)
 * other than the browser's own notes of 4xx answers. A working page has none.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) {
      errors.push(message.text());
    }
  });
  return errors;
}
