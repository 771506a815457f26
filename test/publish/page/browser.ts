// A real headless Chromium (Debian's `chromium`, driven by playwright-core), for the landing page tests.
// Every request the page makes is routed: one to any other origin is recorded and aborted, so a test
// can assert that none left the folder.
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.TP_CHROMIUM ?? '/usr/bin/chromium';

/** Fails (never skips) when the browser is missing: the page's promise is tested in a real one. */
/** A fresh profile folder (`profile`) for each launch: no state from an earlier run. */
export async function launchChromium(profile: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's \`chromium\` package (apt-get install chromium; .ci/run does it) or set TP_CHROMIUM`,
    );
  }
  // playwright-core passes `profile` as --user-data-dir itself.
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
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
