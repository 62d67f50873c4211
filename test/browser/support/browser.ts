import { Browser, BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (apt-get install -y chromium): playwright-core drives it, no browser is downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless, quiet chromium in a container (CI runs as root, hence no sandbox). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu', '--disable-sync', '--disable-quic'];

/** The tests' window; docs/console/*.png are this size. */
export const VIEWPORT = { width: 1280, height: 800 };

export interface LaunchedBrowser {
  browser: Browser;
  /** A fresh context: its own storage and cache, at VIEWPORT, in UTC. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** One headless chromium; playwright gives it a temporary profile of its own and removes it on close. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  return {
    browser,
    newContext: () => browser.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' }),
    close: () => browser.close(),
  };
}
