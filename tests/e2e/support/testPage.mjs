// A browser page that runs pages/client.js (served by chorusd), driven through its
// window.chorusTest, and what a failing test saves about it and the server. The browser is
// chromium (playwright's) or firefox (puppeteer's, support/firefox.mjs).
import { saveArtifacts } from './artifacts.mjs';
import { openPage as openChromiumPage } from './chromium.mjs';
import { isFirefox, openPage as openFirefoxPage } from './firefox.mjs';
import { withTimeout } from './timing.mjs';

const kLoadTimeoutMs = 15_000;

export class TestPage {
  // Opens a page (in its own browser context) on chorusd's client.html. `label` names it in
  // failure messages and artifacts.
  static async open(browser, chorusd, label) {
    const page = isFirefox(browser)
      ? await openFirefoxPage(browser)
      : await openChromiumPage(browser);
    const testPage = new TestPage(page, label);
    await page.goto(`${chorusd.baseUrl}/client.html`, { timeout: kLoadTimeoutMs });
    await page.waitForFunction(() => window.chorusTest !== undefined, null, {
      timeout: kLoadTimeoutMs,
    });
    return testPage;
  }

  constructor(page, label) {
    this.page = page;
    this.label = label;
  }

  // What the page has done and received so far, as JSON, for a failure message.
  async progress() {
    const progress = await this.page
      .evaluate(() => window.chorusTest?.progress)
      .catch((error) => error.message);
    return JSON.stringify(progress, null, 2);
  }

  // Calls `name` on the page's window.chorusTest with `argument`, failing after `timeoutMs` with
  // the page's progress.
  call(name, argument, timeoutMs) {
    return withTimeout(
      this.page.evaluate(({ name, argument }) => window.chorusTest[name](argument), {
        name,
        argument,
      }),
      timeoutMs,
      async () =>
        `${this.label}: page step ${name} did not finish; page progress: ${await this.progress()}`,
    );
  }

  // Closes the page's connections (the page stays open for its console).
  async closeConnections() {
    await this.page.evaluate(() => window.chorusTest?.close()).catch(() => {});
  }
}

// Runs `body`; on failure saves the server log and each page's console and progress, and adds
// where they are, and what each page last did, to the error. `pages()` returns the TestPages
// open at that moment.
export async function reportingFailure(t, { chorusd, pages }, body) {
  try {
    await body();
  } catch (error) {
    const files = { 'chorusd.log': chorusd?.output ?? '' };
    let message = error.message;
    for (const page of pages().filter(Boolean)) {
      const progress = await page.progress();
      files[`${page.label}-console.log`] = page.page.consoleLines.join('\n') + '\n';
      files[`${page.label}-progress.json`] = `${progress}\n`;
      message += `\n${page.label} progress: ${progress}`;
    }
    const dir = await saveArtifacts(t.name, files);
    if (dir) message += `\nserver log and page consoles saved in ${dir}`;
    throw new Error(message, { cause: error });
  }
}
