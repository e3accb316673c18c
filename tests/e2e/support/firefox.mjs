// Debian's firefox-esr, headless, driven by puppeteer-core over WebDriver BiDi, with fake camera
// and microphone and the prefs WebRTC over loopback needs. Its pages are wrapped to look like
// playwright's (goto, evaluate, waitForFunction, consoleLines), which is what TestPage uses.
import { access, constants } from 'node:fs/promises';

import puppeteer from 'puppeteer-core';

const kLaunchTimeoutMs = 30_000;

export const kFirefoxPrefs = {
  // A synthetic camera and microphone, and no permission prompt.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  // Without it Firefox gathers no candidate on 127.0.0.1, the only address the server has.
  'media.peerconnection.ice.loopback': true,
  // Host candidates as addresses, not mDNS names the server cannot resolve.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // client.js plays received audio without a user gesture.
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
};

// The browsers launched here, for TestPage to tell them from playwright's.
const firefoxBrowsers = new WeakSet();

export function isFirefox(browser) {
  return firefoxBrowsers.has(browser);
}

export async function launchFirefox() {
  const executablePath = process.env.FIREFOX || '/usr/bin/firefox-esr';
  try {
    await access(executablePath, constants.X_OK);
  } catch {
    throw new Error(
      `no firefox at ${executablePath}: install it with scripts/install-deps.sh (Debian package ` +
        '`firefox-esr`) or set FIREFOX to its path',
    );
  }
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath,
    headless: true,
    extraPrefsFirefox: kFirefoxPrefs,
    timeout: kLaunchTimeoutMs,
  });
  firefoxBrowsers.add(browser);
  return browser;
}

// A new page in a browser context of its own (as playwright's browser.newPage() makes), whose
// console messages and uncaught errors are kept in `consoleLines`.
export async function openPage(browser) {
  const context = await browser.createBrowserContext();
  return new FirefoxPage(await context.newPage());
}

// A puppeteer page with the few methods of playwright's Page that TestPage calls.
class FirefoxPage {
  constructor(page) {
    this.page = page;
    this.consoleLines = [];
    const stamp = () => new Date().toISOString();
    page.on('console', (message) =>
      this.consoleLines.push(`${stamp()} ${message.type()}: ${message.text()}`),
    );
    page.on('pageerror', (error) =>
      this.consoleLines.push(`${stamp()} pageerror: ${error.stack ?? error}`),
    );
  }

  goto(url, { timeout }) {
    return this.page.goto(url, { timeout });
  }

  evaluate(pageFunction, argument) {
    return this.page.evaluate(pageFunction, argument);
  }

  // playwright's argument order: (function, argument, options).
  waitForFunction(pageFunction, argument, { timeout }) {
    return this.page.waitForFunction(pageFunction, { timeout }, argument);
  }

  click(selector) {
    return this.page.click(selector);
  }

  // Replaces the field's value and tells the page, as playwright's fill does.
  fill(selector, value) {
    return this.page.$eval(selector, (element, text) => {
      element.value = text;
      element.dispatchEvent(new Event('input', { bubbles: true }));
    }, value);
  }

  close() {
    return this.page.browserContext().close();
  }
}
