// The room's video cap holds a publisher (docs/signaling.md, "Bitrate"): with
// `rooms.max_video_bitrate_kbps` 400, two pages in one room publish for a while, and each
// publisher's outbound video (bytesSent over a few seconds, from getStats) stays near the cap,
// bound by the answer's b=AS/b=TIAS and the server's REMBs, and its send-side estimate
// (availableOutgoingBitrate) goes no higher than the cap.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Chorusd } from './support/chorusd.mjs';
import { launchChromium } from './support/chromium.mjs';
import { waitForMedia } from './support/inbound.mjs';
import { parseSamples, sampleValue } from './support/prometheus.mjs';
import { reportingFailure, TestPage } from './support/testPage.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-caps';
const kCapKbps = 400;
const kStepTimeoutMs = 15_000;
const kPublishTimeoutMs = 20_000;
const kMediaTimeoutMs = 30_000;
const kWanted = { frames: 30, audioPackets: 50 };
// Long enough for the send side's estimate to have ramped up to whatever bounds it.
const kSettleMs = 10_000;
const kMeasureMs = 5_000;
const kTolerance = 1.3;
const kTestTimeoutMs = 90_000;

let chorusd;
let browser;
const pages = [];

before(async () => {
  chorusd = await Chorusd.start({
    pagesDir: kPagesDir,
    workers: 1,
    args: ['--rooms.max_video_bitrate_kbps', String(kCapKbps)],
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

async function joinAndPublish(label, name) {
  const page = await TestPage.open(browser, chorusd, label);
  pages.push(page);
  const token = await chorusd.token({ user: label, room: kRoom });
  await page.call('authenticate', { token }, kStepTimeoutMs);
  await page.call('answerSubscribeOffers', undefined, kStepTimeoutMs);
  const result = await page.call('publish', { room: kRoom, name }, kPublishTimeoutMs);
  page.participantId = result.participantId;
  return page;
}

test('publishers keep their video under the room\'s cap', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reportingFailure(t, { chorusd, pages: () => pages }, async () => {
    const alice = await joinAndPublish('alice', 'Alice');
    const bob = await joinAndPublish('bob', 'Bob');
    const others = (page) => pages.filter((p) => p !== page).map((p) => p.participantId);
    await waitForMedia([alice, bob], others, kWanted, { timeoutMs: kMediaTimeoutMs });
    await new Promise((resolve) => setTimeout(resolve, kSettleMs));
    const first = new Map();
    for (const page of pages) {
      first.set(page, await page.call('sendSideStats', undefined, kStepTimeoutMs));
    }
    await new Promise((resolve) => setTimeout(resolve, kMeasureMs));
    for (const page of pages) {
      const before = first.get(page);
      const now = await page.call('sendSideStats', undefined, kStepTimeoutMs);
      const seconds = (now.timestamp - before.timestamp) / 1000;
      const kbps = ((now.bytesSent - before.bytesSent) * 8) / seconds / 1000;
      t.diagnostic(`${page.label}: video ${kbps.toFixed(0)} kbit/s over ${seconds.toFixed(1)} s, ` +
        `targetBitrate=${now.targetBitrate} ` +
        `availableOutgoingBitrate=${now.availableOutgoingBitrate} ` +
        `framesPerSecond=${now.framesPerSecond}`);
      assert.ok(kbps < kTolerance * kCapKbps, `${page.label} sends ${kbps} kbit/s`);
      // The test page's video may need less than the cap; the send side's estimate shows the
      // bound itself (without a cap it climbs past 2 Mbit/s in the same time).
      assert.ok(now.availableOutgoingBitrate <= kTolerance * kCapKbps * 1000,
        `${page.label}: availableOutgoingBitrate=${now.availableOutgoingBitrate}`);
      assert.ok(kbps > 0, `${page.label} sends no video`);
    }
    const samples = parseSamples(await chorusd.metricsText());
    const rembs = sampleValue(samples, 'chorus_router_rtcp_sent_total', { type: 'remb' }) ?? 0;
    t.diagnostic(`chorus_router_rtcp_sent_total{type="remb"} ${rembs}`);
    assert.ok(rembs > 0, 'no REMB sent');
  });
});
