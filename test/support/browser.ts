import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Locally a missing browser skips browser tests with a note; in CI they must fail loudly. */
export const SKIP_BROWSER = !existsSync(CHROMIUM) && !process.env.CI;

/** Where browser tests write screenshots for a person to look at. */
export const SCREENSHOTS = join(tmpdir(), 'abonent-web-chat-screenshots');

/**
 * Headless Chromium as it runs on this closed network: without the background-networking flags
 * it keeps trying Google's hosts and gets refused.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
