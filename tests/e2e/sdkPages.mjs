// What the SDK's browser tests share: a chorusd that serves the SDK at /sdk/ beside the pages,
// the hooks of a test file of Chromium pages, and a browser page driven through a window object
// that the reporting of support/testPage.mjs can describe on failure.
import { cp } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Chorusd } from './support/chorusd.mjs';
import { launchChromium, openPage as openChromiumPage } from './support/chromium.mjs';
import { isFirefox, openPage as openFirefoxPage } from './support/firefox.mjs';
import { reportingFailure } from './support/testPage.mjs';
import { withTimeout } from './support/timing.mjs';

const kRepository = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kWebDir = join(kRepository, 'web');
const kLoadTimeoutMs = 15_000;

// Starts chorusd serving `pagesDir` at `/` (as Chorusd.start does) and the repository's
// web/sdk/ at `/sdk/`: chorusd reads files at each request, so the SDK is copied into the
// temporary web root beside demo/ once the server runs.
export async function startChorusdWithSdk(options) {
  const chorusd = await Chorusd.start(options);
  try {
    await cp(join(kWebDir, 'sdk'), join(chorusd.dir, 'web', 'sdk'), { recursive: true });
  } catch (error) {
    await chorusd.stop();
    throw error;
  }
  return chorusd;
}

// What a test file of SDK pages in Chromium shares: before its tests, a chorusd serving
// `pagesDir` and the SDK, and a Chromium; after them, both stopped. `suite.pages` holds the
// file's pages by label, and `suite.reporting(t, body)` runs a test body that, on failure, saves
// their consoles and the server log (support/testPage.mjs).
export function chromiumSdkSuite(pagesDir) {
  const suite = {
    chorusd: undefined,
    browser: undefined,
    pages: new Map(),
    reporting: (t, body) =>
      reportingFailure(t, { chorusd: suite.chorusd, pages: () => [...suite.pages.values()] }, body),
  };
  before(async () => {
    suite.chorusd = await startChorusdWithSdk({ pagesDir });
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.chorusd?.stop();
  });
  return suite;
}

// A page (its own browser context) at `path` of chorusd, driven through `window[global]`, in
// Chromium (playwright's browser) or Firefox (puppeteer's, support/firefox.mjs).
export class DrivenPage {
  static async open(browser, chorusd, label, { path, global }) {
    const page = isFirefox(browser)
      ? await openFirefoxPage(browser)
      : await openChromiumPage(browser);
    const driven = new DrivenPage(page, label, global);
    await page.goto(`${chorusd.baseUrl}${path}`, { timeout: kLoadTimeoutMs });
    if (global) {
      await page.waitForFunction((name) => window[name] !== undefined, global, {
        timeout: kLoadTimeoutMs,
      });
    }
    return driven;
  }

  constructor(page, label, global) {
    this.page = page;
    this.label = label;
    this.global = global;
  }

  // What the page has done so far, as JSON, for a failure message.
  async progress() {
    const progress = await this.page
      .evaluate((name) => (name ? window[name]?.progress : document.body.innerText), this.global)
      .catch((error) => error.message);
    return JSON.stringify(progress, null, 2);
  }

  // Calls `name` on the page's driving object with `argument`, failing after `timeoutMs` with
  // the page's progress.
  call(name, argument, timeoutMs) {
    return withTimeout(
      this.page.evaluate(({ global, name, argument }) => window[global][name](argument), {
        global: this.global,
        name,
        argument,
      }),
      timeoutMs,
      async () => `${this.label}: ${name} did not finish; page progress: ${await this.progress()}`,
    );
  }
}
