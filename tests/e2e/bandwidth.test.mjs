// The server's RTCP keeps a publisher's send side healthy (issue 6, "RTCP: the SFU is an RTP
// endpoint on every leg"): two pages in one room on a one-worker chorusd publish and
// subscribe for about 20 s. Without transport-cc feedback Chromium's bandwidth estimation times
// out and drops the target bitrate to about 30 kbit/s within 15 s, and video to a few frames a
// second; with it, the estimate and the frame rate stay up. The server's receiver reports show up
// in the publisher's stats as remote-inbound-rtp with a fraction lost and a round-trip time.
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
const kRoom = 'e2e-bandwidth';
const kStepTimeoutMs = 15_000;
const kPublishTimeoutMs = 20_000;
const kMediaTimeoutMs = 30_000;
const kWanted = { frames: 30, audioPackets: 50 };
// How long the call runs before the figures are judged, and how often they are sampled.
const kCallMs = 20_000;
const kSampleEveryMs = 5_000;
// client.js captures 15 frames a second; without feedback Chromium falls to about 7.
const kMinFramesPerSecond = 12;
const kMinBitrate = 150_000;
const kTestTimeoutMs = 90_000;

let chorusd;
let browser;
const pages = new Map();

before(async () => {
  chorusd = await Chorusd.start({
    pagesDir: kPagesDir,
    // One worker: sender reports to subscribers need the publisher's SR on the same shard.
    workers: 1,
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

function describe(stats) {
  const remote = stats.remoteInbound
    .map((r) => `${r.kind}: fractionLost=${r.fractionLost} roundTripTime=${r.roundTripTime}`)
    .join('; ');
  return `framesPerSecond=${stats.framesPerSecond} targetBitrate=${stats.targetBitrate} ` +
    `availableOutgoingBitrate=${stats.availableOutgoingBitrate} ` +
    `qualityLimitationReason=${stats.qualityLimitationReason} remote-inbound-rtp [${remote}]`;
}

test('a two-party call keeps its send rate and frame rate, and sees the server\'s reports', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, async () => {
    const alice = await joinAndPublish('alice', 'Alice');
    const bob = await joinAndPublish('bob', 'Bob');
    const others = (page) => [...pages.values()].filter((p) => p !== page)
      .map((p) => p.participantId);
    await waitForMedia([alice, bob], others, kWanted, { timeoutMs: kMediaTimeoutMs });
    const started = Date.now();
    let last;
    while (Date.now() - started < kCallMs) {
      await new Promise((resolve) => setTimeout(resolve, kSampleEveryMs));
      last = new Map();
      for (const page of [alice, bob]) {
        const stats = await page.call('sendSideStats', undefined, kStepTimeoutMs);
        last.set(page, stats);
        t.diagnostic(`${page.label} at ${Math.round((Date.now() - started) / 1000)} s: ` +
          describe(stats));
      }
    }
    for (const [page, stats] of last) {
      assert.ok(stats.framesPerSecond >= kMinFramesPerSecond,
        `${page.label} sends too few frames: ${describe(stats)}`);
      assert.ok(stats.targetBitrate > kMinBitrate, `${page.label}: ${describe(stats)}`);
      assert.ok(stats.availableOutgoingBitrate > kMinBitrate, `${page.label}: ${describe(stats)}`);
      const video = stats.remoteInbound.find((r) => r.kind === 'video');
      assert.ok(video, `${page.label} has no remote-inbound-rtp for video: ${describe(stats)}`);
      assert.equal(typeof video.fractionLost, 'number', describe(stats));
      assert.equal(typeof video.roundTripTime, 'number', describe(stats));
    }
    const samples = parseSamples(await chorusd.metricsText());
    for (const type of ['transport_cc', 'receiver_report', 'sender_report']) {
      const sent = sampleValue(samples, 'chorus_router_rtcp_sent_total', { type }) ?? 0;
      t.diagnostic(`chorus_router_rtcp_sent_total{type="${type}"} ${sent}`);
      assert.ok(sent > 0, `no ${type} sent`);
    }
    // The server's own estimate of each subscriber's downlink, from the transport-cc feedback
    // the subscribers send about the packets it stamped: reported, with a plausible range.
    const estimates = sampleValue(samples, 'chorus_subscriber_estimates') ?? 0;
    const sum = sampleValue(samples, 'chorus_subscriber_estimated_bitrate_bps_sum') ?? 0;
    t.diagnostic(`subscriber estimates: ${estimates}, mean ${Math.round(sum / (estimates || 1))} bit/s`);
    assert.ok(estimates >= 2, `expected an estimate for both subscribers, got ${estimates}`);
    assert.ok(sum / estimates >= 50_000 && sum / estimates <= 20_000_000, `mean ${sum / estimates}`);
  });
});
