// The first real-browser check: headless Chromium, with a fake camera and microphone, joins a
// room through the WebSocket API (docs/signaling.md), publishes on its publish transport, reaches
// DTLS-connected, and chorusd receives and decrypts its RTP (counted on /metrics).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Chorusd } from './support/chorusd.mjs';
import { launchChromium } from './support/chromium.mjs';
import { describeNonZero, parseSamples, sampleValue } from './support/prometheus.mjs';
import { reportingFailure, TestPage } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-publish';
// Packets that passed SRTP, wanted within kMediaTimeoutMs of the transport being connected:
// Chromium's fake devices send about 50 audio packets a second, and at 320×240 and 15 fps about
// as many video ones, so this is about one second of media.
const kWantedRtpPackets = 50;
// The metrics a failure message lists, when not zero.
const kMediaMetricPrefixes = ['chorus_udp_', 'chorus_media_', 'chorus_transport', 'chorus_dtls_'];
const kStepTimeoutMs = 15_000;
const kPublishTimeoutMs = 30_000;
const kMediaTimeoutMs = 20_000;
// Outer bounds, should a wait without its own deadline hang.
const kTestTimeoutMs = 90_000;

let chorusd;
let browser;
let page;

before(async () => {
  chorusd = await Chorusd.start({ pagesDir: kPagesDir });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

// Calls `name` on the page's window.chorusTest, failing after `timeoutMs` with its progress.
function onPage(name, argument, timeoutMs = kStepTimeoutMs) {
  return page.call(name, argument, timeoutMs);
}

// Runs `body`; a failure saves the server log and the page's console and says where.
function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [page] }, body);
}

test('a page served by chorusd authenticates over /ws with a minted token', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    page = await TestPage.open(browser, chorusd, 'page');
    const token = await chorusd.token({ user: 'chromium', room: kRoom });
    const { hello, authenticated } = await onPage('authenticate', { token });
    assert.equal(hello.protocol, 1);
    assert.deepEqual(authenticated, { user: 'chromium', room: kRoom });
  });
});

test('chromium publishes audio and video: DTLS connected, RTP decrypted by the server', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.ok(page, 'the authenticate test opened no page');
    // setRemoteDescription(answer) resolving inside `publish` is what says the answer parses.
    const published = await onPage('publish', { room: kRoom, name: 'Chromium' }, kPublishTimeoutMs);
    assert.equal(published.dtlsState, 'connected');
    assert.deepEqual(published.tracks.map((track) => track.kind).sort(), ['audio', 'video']);

    // The browser's own view: it sends on both tracks.
    const browserSent = await pollUntil(
      async () => {
        const sent = await onPage('outboundPackets');
        return { done: sent.audio > 0 && sent.video > 0, sent };
      },
      {
        timeoutMs: kStepTimeoutMs,
        describe: (last) => `outbound-rtp packetsSent by kind: ${JSON.stringify(last.sent)}`,
      },
    );

    // The server's view: RTP that passed SRTP authentication and decryption.
    const seen = await pollUntil(
      async () => {
        const samples = parseSamples(await chorusd.metricsText());
        const decrypted = sampleValue(samples, 'chorus_media_packets_received_total', {
          kind: 'rtp',
        });
        return { done: decrypted > kWantedRtpPackets, decrypted, samples };
      },
      {
        timeoutMs: kMediaTimeoutMs,
        describe: (last) =>
          `chorus_media_packets_received_total{kind="rtp"} is ${last.decrypted}, wanted over ` +
          `${kWantedRtpPackets}; non-zero media counters:\n` +
          describeNonZero(last.samples, kMediaMetricPrefixes),
      },
    );
    const authFailures = sampleValue(seen.samples, 'chorus_udp_datagrams_dropped_total', {
      reason: 'srtp_auth',
    });
    assert.equal(authFailures ?? 0, 0, 'datagrams dropped for failed SRTP authentication');
    t.diagnostic(
      `server decrypted ${seen.decrypted} RTP packets; the browser had sent ` +
        `${JSON.stringify(browserSent.sent)} when it first reported both kinds`,
    );
  });
});

test('chorusd stops cleanly once the browser has gone', { timeout: kTestTimeoutMs }, async (t) => {
  await reporting(t, async () => {
    await page?.closeConnections();
    await browser.close();
    // Under the sanitizers, memory errors met while serving the browser are reported, and
    // turned into a failing exit status, when chorusd ends.
    const status = await chorusd.stop();
    const tail = chorusd.output.slice(-4000);
    assert.equal(status, 0, `chorusd exit status; its output ends:\n${tail}`);
    assert.doesNotMatch(chorusd.output, /(AddressSanitizer|LeakSanitizer|runtime error):/);
  });
});
