// Debian's chromium, headless, driven by playwright-core over CDP, with fake camera and
// microphone and the flags WebRTC over loopback needs.
import { access, constants } from 'node:fs/promises';

import { chromium } from 'playwright-core';

const kLaunchTimeoutMs = 30_000;

export const kChromiumArgs = [
  // A synthetic camera (a moving test pattern) and microphone (a beep), and no permission prompt.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Without it Chromium gathers no candidate on 127.0.0.1, the only address the server has.
  '--allow-loopback-in-peer-connection',
  // Host candidates as addresses, not mDNS names the server cannot resolve.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

export async function launchChromium() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  try {
    await access(executablePath, constants.X_OK);
  } catch {
    throw new Error(
      `no chromium at ${executablePath}: install it with scripts/install-deps.sh (Debian package ` +
        '`chromium`) or set CHROMIUM to its path',
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: kChromiumArgs,
    timeout: kLaunchTimeoutMs,
  });
}

// A new page whose console messages and uncaught errors are kept in `page.consoleLines`.
export async function openPage(browser) {
  const page = await browser.newPage();
  page.consoleLines = [];
  const stamp = () => new Date().toISOString();
  page.on('console', (message) =>
    page.consoleLines.push(`${stamp()} ${message.type()}: ${message.text()}`),
  );
  page.on('pageerror', (error) => page.consoleLines.push(`${stamp()} pageerror: ${error.stack}`));
  page.on('crash', () => page.consoleLines.push(`${stamp()} the page crashed`));
  return page;
}
