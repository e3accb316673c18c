// Firefox against the server (issue 7, "End-to-end tests", case 2 with pages/client.js): two
// firefox-esr pages in one room each decode the other's video and hear its audio, and so do two
// Chromium pages and a Firefox page in another room (the group call of issue 7 with Firefox as
// one of three), VP8 and Opus. Firefox's SDP is not
// Chromium's (extension ids, no extmap-allow-mixed, its own ssrc and rtcp-fb lines, a=setup), so
// this is the interop check for the publish and subscribe negotiation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Chorusd } from './support/chorusd.mjs';
import { launchChromium } from './support/chromium.mjs';
import { launchFirefox } from './support/firefox.mjs';
import { describeStream, waitForMedia } from './support/inbound.mjs';
import { describeNonZero, parseSamples, sampleValue } from './support/prometheus.mjs';
import { reportingFailure, TestPage } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kStepTimeoutMs = 15_000;
const kPublishTimeoutMs = 20_000;
const kMediaTimeoutMs = 25_000;
// Two seconds of video at client.js's 15 frames a second, one second of 20 ms Opus packets.
const kWanted = { frames: 30, audioPackets: 50 };
const kMediaMetricPrefixes = ['chorus_udp_', 'chorus_media_', 'chorus_router_', 'chorus_transport'];
const kTestTimeoutMs = 60_000;

let chorusd;
let firefox;
let chromium;
// The pages of the running test, by label, each with its participant id (`participantId`).
const pages = new Map();

before(async () => {
  chorusd = await Chorusd.start({ pagesDir: kPagesDir });
  firefox = await launchFirefox();
});

after(async () => {
  await firefox?.close();
  await chromium?.close();
  await chorusd?.stop();
});

function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, body);
}

// Opens a page in `browser` that answers every subscribe offer, joins `room` and publishes;
// resolves once its publish transport is connected.
async function joinAndPublish(browser, room, label) {
  const page = await TestPage.open(browser, chorusd, label);
  pages.set(label, page);
  const token = await chorusd.token({ user: label, room });
  await page.call('authenticate', { token }, kStepTimeoutMs);
  await page.call('answerSubscribeOffers', undefined, kStepTimeoutMs);
  const published = await page.call('publish', { room, name: label }, kPublishTimeoutMs);
  assert.deepEqual(published.tracks.map((track) => track.kind).sort(), ['audio', 'video'],
    `${label}'s published tracks`);
  page.participantId = published.participantId;
  return page;
}

function othersOf(page) {
  return [...pages.values()].filter((p) => p !== page).map((p) => p.participantId);
}

// Each page decodes VP8 from every other and receives Opus with sound in it: the inbound audio's
// level or energy, where the browser reports one, above silence.
async function assertSeeAndHearEachOther(t) {
  const streamsOf = await waitForMedia([...pages.values()], othersOf, kWanted, {
    timeoutMs: kMediaTimeoutMs,
  });
  for (const [label, streams] of Object.entries(streamsOf)) {
    for (const stream of streams) t.diagnostic(`${label} <- ${describeStream(stream)}`);
    for (const video of streams.filter((s) => s.kind === 'video')) {
      assert.match(video.codec ?? '', /^video\/VP8\//i, `${label}: ${describeStream(video)}`);
    }
    for (const audio of streams.filter((s) => s.kind === 'audio')) {
      assert.match(audio.codec ?? '', /^audio\/opus\//i, `${label}: ${describeStream(audio)}`);
      assert.ok(audio.totalSamplesReceived === undefined || audio.totalSamplesReceived > 0,
        `${label} received no audio samples: ${describeStream(audio)}`);
      const loud = audio.totalAudioEnergy ?? audio.audioLevel;
      assert.ok(loud === undefined || loud > 0, `${label} hears silence: ${describeStream(audio)}`);
    }
  }
  const samples = parseSamples(await chorusd.metricsText());
  const dropped = describeNonZero(samples, ['chorus_udp_datagrams_dropped', 'chorus_media_dropped',
    'chorus_rtcp_', 'chorus_sdp_']);
  if (dropped) t.diagnostic(`server drop counters:\n${dropped}`);
  assert.equal(
    sampleValue(samples, 'chorus_udp_datagrams_dropped_total', { reason: 'srtp_auth' }) ?? 0, 0,
    `datagrams failed SRTP/SRTCP authentication; non-zero media counters:\n` +
      describeNonZero(samples, kMediaMetricPrefixes),
  );
}

// Each page's sender has remote-inbound-rtp for its video from the server's receiver reports,
// with a loss that is not negative (RTX packets, the browsers' bandwidth probes among them, once
// counted as the media stream's and took it below zero).
async function assertReceiverReports(t) {
  for (const page of pages.values()) {
    const { video, stats } = await pollUntil(
      async () => {
        const stats = await page.call('sendSideStats', undefined, kStepTimeoutMs);
        const video = stats.remoteInbound.find((r) => r.kind === 'video');
        return { done: video !== undefined, video, stats };
      },
      {
        timeoutMs: kStepTimeoutMs,
        describe: ({ stats }) => `${page.label}: no video remote-inbound-rtp: ` +
          JSON.stringify(stats),
      },
    );
    t.diagnostic(`${page.label} sends: ${JSON.stringify(stats)}`);
    assert.ok(video.packetsLost >= 0, `${page.label}: ${JSON.stringify(video)}`);
  }
}

// The server estimates each subscriber's downlink from its transport-cc feedback: it reads
// Firefox's.
async function assertSubscriberEstimates(t) {
  const { samples } = await pollUntil(
    async () => {
      const samples = parseSamples(await chorusd.metricsText());
      return { done: (sampleValue(samples, 'chorus_subscriber_estimates') ?? 0) >= pages.size,
        samples };
    },
    {
      timeoutMs: kStepTimeoutMs,
      describe: ({ samples }) => `no estimate for each subscriber:\n` +
        describeNonZero(samples, ['chorus_subscriber_', 'chorus_router_rtcp']),
    },
  );
  t.diagnostic(describeNonZero(samples, ['chorus_subscriber_', 'chorus_router_rtcp']));
}

// Closes the running test's pages (the server sees their connections end).
async function closeAll() {
  for (const page of pages.values()) {
    await page.closeConnections();
    await page.page.close();
  }
  pages.clear();
}

test('two Firefox pages see and hear each other (VP8, Opus)', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  try {
    await reporting(t, async () => {
      await joinAndPublish(firefox, 'e2e-firefox-pair', 'firefox-a');
      await joinAndPublish(firefox, 'e2e-firefox-pair', 'firefox-b');
      await assertSeeAndHearEachOther(t);
      await assertReceiverReports(t);
      await assertSubscriberEstimates(t);
    });
  } finally {
    await closeAll();
  }
});

test('two Chromium pages and a Firefox page see and hear each other (VP8, Opus)', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  try {
    await reporting(t, async () => {
      chromium = await launchChromium();
      await joinAndPublish(chromium, 'e2e-mixed', 'chromium-a');
      await joinAndPublish(firefox, 'e2e-mixed', 'firefox');
      await joinAndPublish(chromium, 'e2e-mixed', 'chromium-b');
      await assertSeeAndHearEachOther(t);
      await assertReceiverReports(t);
    });
  } finally {
    await closeAll();
  }
});

test('chorusd stops cleanly once the browsers have gone', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    await firefox.close();
    await chromium?.close();
    firefox = undefined;
    chromium = undefined;
    const status = await chorusd.stop();
    const tail = chorusd.output.slice(-4000);
    assert.equal(status, 0, `chorusd exit status; its output ends:\n${tail}`);
    assert.doesNotMatch(chorusd.output, /(AddressSanitizer|LeakSanitizer|runtime error):/);
  });
});
