// NACK and RTX in real browsers (issue 6, "Real browsers"): two pages in one room on two workers
// (so retransmissions cross shards), with the server dropping 5% of the RTP it sends to
// subscribers (media.test_drop_permille, a test-only switch). Each page must still decode the
// other's video smoothly: framesDecoded grows at 80% or more of the sender's encoded frame rate
// over 15 s, the receiver sent NACKs (nackCount > 0), and freezes and PLIs stay bounded. The
// figures are reported; the bounds are generous, the test runs on shared machines.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Chorusd } from './support/chorusd.mjs';
import { launchChromium } from './support/chromium.mjs';
import { waitForMedia } from './support/inbound.mjs';
import { describeNonZero, parseSamples } from './support/prometheus.mjs';
import { reportingFailure, TestPage } from './support/testPage.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-loss';
const kWorkers = 2;
const kDropPermille = 50;  // 5% of the RTP to every subscriber
const kStepTimeoutMs = 15_000;
const kPublishTimeoutMs = 20_000;
const kMediaTimeoutMs = 30_000;
const kWanted = { frames: 30, audioPackets: 50 };
const kMeasureMs = 15_000;
const kMinRateRatio = 0.8;
// Generous bounds for 15 s of 5% loss with NACK working; without NACK a 5%-loss VP8 stream
// freezes and asks for a keyframe every second or so.
const kMaxFreezes = 5;
const kMaxPlis = 10;
const kTestTimeoutMs = 90_000;

let chorusd;
let browser;
const pages = new Map();

before(async () => {
  chorusd = await Chorusd.start({
    pagesDir: kPagesDir,
    workers: kWorkers,
    args: [
      '--rooms.members_per_worker', '1',
      '--media.test_drop_permille', String(kDropPermille),
    ],
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

async function joinAndPublish(label, name) {
  const page = await TestPage.open(browser, chorusd, label);
  pages.set(label, page);
  const token = await chorusd.token({ user: label, room: kRoom });
  await page.call('authenticate', { token }, kStepTimeoutMs);
  await page.call('answerSubscribeOffers', undefined, kStepTimeoutMs);
  const result = await page.call('publish', { room: kRoom, name }, kPublishTimeoutMs);
  page.participantId = result.participantId;
  return page;
}

async function snapshot(page) {
  const [{ streams }, outbound] = await Promise.all([
    page.call('inboundStats', undefined, kStepTimeoutMs),
    page.call('outboundVideo', undefined, kStepTimeoutMs),
  ]);
  return { at: Date.now(), video: streams.filter((s) => s.kind === 'video'), outbound };
}

test('with 5% loss toward subscribers, NACK keeps video decoding smoothly', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, async () => {
    const alice = await joinAndPublish('alice', 'Alice');
    const bob = await joinAndPublish('bob', 'Bob');
    const others = (page) => [...pages.values()].filter((p) => p !== page)
      .map((p) => p.participantId);
    await waitForMedia([alice, bob], others, kWanted, { timeoutMs: kMediaTimeoutMs });

    const first = new Map([[alice, await snapshot(alice)], [bob, await snapshot(bob)]]);
    await new Promise((resolve) => setTimeout(resolve, kMeasureMs));
    const last = new Map([[alice, await snapshot(alice)], [bob, await snapshot(bob)]]);

    for (const [receiver, sender] of [[bob, alice], [alice, bob]]) {
      const seconds = (last.get(receiver).at - first.get(receiver).at) / 1000;
      const sent = (last.get(sender).outbound.framesEncoded -
        first.get(sender).outbound.framesEncoded) / seconds;
      const now = last.get(receiver).video.find((s) => s.participantId === sender.participantId);
      const then = first.get(receiver).video.find((s) => s.mid === now?.mid);
      assert.ok(now && then, `${receiver.label} has no video from ${sender.label}`);
      const decoded = (now.framesDecoded - then.framesDecoded) / seconds;
      const figures = {
        decodedPerSecond: decoded.toFixed(1),
        encodedPerSecond: sent.toFixed(1),
        nackCount: now.nackCount,
        freezes: now.freezeCount - then.freezeCount,
        plis: now.pliCount - then.pliCount,
        packetsLost: now.packetsLost,
        packetsReceived: now.packetsReceived,
        senderNackCount: last.get(sender).outbound.nackCount,
      };
      t.diagnostic(`${receiver.label} <- ${sender.label}: ${JSON.stringify(figures)}`);
      assert.ok(decoded >= kMinRateRatio * sent,
        `${receiver.label} decoded ${decoded.toFixed(1)} frames/s of ${sent.toFixed(1)} sent`);
      assert.ok(now.nackCount > 0, `${receiver.label} sent no NACK`);
      assert.ok(figures.freezes <= kMaxFreezes, `${figures.freezes} freezes`);
      assert.ok(figures.plis <= kMaxPlis, `${figures.plis} PLIs`);
    }
    const samples = parseSamples(await chorusd.metricsText());
    t.diagnostic(`server: ${describeNonZero(samples, ['chorus_router_'])}`);
  });
});
