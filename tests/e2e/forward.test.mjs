// Media through the server in real browsers (issue 6, "Real browsers"): three Chromium pages, each
// in its own browser context with a fake camera and microphone, join one group room on a chorusd
// with two workers (so that some routes cross shards), publish audio and video and answer every
// subscribe offer. Each must decode video and receive audio from both others; a late fourth
// page reports its time to first frame; the server's counters show packets forwarded and none
// failing SRTP authentication; then one page leaves and the rest keep decoding each other.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Chorusd } from './support/chorusd.mjs';
import { launchChromium } from './support/chromium.mjs';
import { describeStream, waitForMedia } from './support/inbound.mjs';
import { describeNonZero, parseSamples, sampleValue } from './support/prometheus.mjs';
import { reportingFailure, TestPage } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-forward';
const kWorkers = 2;
const kStepTimeoutMs = 15_000;
const kPublishTimeoutMs = 20_000;
const kMediaTimeoutMs = 30_000;
const kMetricsTimeoutMs = 10_000;
// What "decoding" and "hearing" mean: client.js captures 15 frames a second, so 30 frames is two
// seconds of video; Chromium sends 50 Opus packets a second, so 50 packets is one of audio.
const kWanted = { frames: 30, audioPackets: 50 };
// How long the decoding rates are measured over.
const kRateWindowMs = 2_000;
const kMediaMetricPrefixes = ['chorus_udp_', 'chorus_media_', 'chorus_router_', 'chorus_transport'];
// Outer bounds, should a wait without its own deadline hang.
const kTestTimeoutMs = 60_000;

let chorusd;
let browser;
// Every page joined so far, by label, with its participant id (`page.participantId`).
const pages = new Map();

before(async () => {
  // One participant a worker, so that the room spreads and routes cross shards.
  chorusd = await Chorusd.start({
    pagesDir: kPagesDir,
    workers: kWorkers,
    args: ['--rooms.members_per_worker', '1'],
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, body);
}

// Opens and authenticates a page that answers every subscribe offer from now on, then joins and
// publishes without waiting (the returned promise resolves to the publish result once the
// publish transport is connected).
async function joinAndPublish(label, name) {
  const page = await TestPage.open(browser, chorusd, label);
  pages.set(label, page);
  const token = await chorusd.token({ user: label, room: kRoom });
  await page.call('authenticate', { token }, kStepTimeoutMs);
  await page.call('answerSubscribeOffers', undefined, kStepTimeoutMs);
  const published = page.call('publish', { room: kRoom, name }, kPublishTimeoutMs);
  return {
    page,
    published: published.then((result) => {
      page.participantId = result.participantId;
      return result;
    }),
  };
}

// The participant ids of the joined pages other than `page`.
function othersOf(page) {
  return [...pages.values()].filter((p) => p !== page).map((p) => p.participantId);
}

async function metricSamples() {
  return parseSamples(await chorusd.metricsText());
}

// chorus_router_forwarded_packets_total when chorusd exports it; before the router had metrics,
// chorus_udp_datagrams_sent_total (every datagram sent, forwarded RTP among them).
function forwardedMetric(samples) {
  const router = 'chorus_router_forwarded_packets_total';
  if (sampleValue(samples, router) !== undefined) return router;
  return 'chorus_udp_datagrams_sent_total';
}

async function assertNoSrtpAuthDrops() {
  const samples = await metricSamples();
  const labels = { reason: 'srtp_auth' };
  assert.equal(
    sampleValue(samples, 'chorus_udp_datagrams_dropped_total', labels) ?? 0, 0,
    `datagrams failed SRTP/SRTCP authentication; non-zero media counters:\n` +
      describeNonZero(samples, kMediaMetricPrefixes),
  );
}

// framesDecoded a second of each remote video of each page, measured over kRateWindowMs, as
// report lines.
async function decodeRates(receivers) {
  const take = async () =>
    Promise.all(receivers.map(async (page) => ({
      page,
      at: Date.now(),
      streams: (await page.call('inboundStats', undefined, kStepTimeoutMs)).streams,
    })));
  const first = await take();
  await new Promise((resolve) => setTimeout(resolve, kRateWindowMs));
  const second = await take();
  const lines = [];
  for (const page of receivers) {
    const video = await page.call('outboundVideo', undefined, kStepTimeoutMs);
    lines.push(`${page.label} sends: ${Object.entries(video).map(([k, v]) => `${k}=${v}`)
      .join(' ')}`);
  }
  for (const [i, { page, at, streams }] of second.entries()) {
    const seconds = (at - first[i].at) / 1000;
    for (const stream of streams.filter((s) => s.kind === 'video')) {
      const earlier = first[i].streams.find((s) => s.mid === stream.mid);
      const label = [...pages.values()].find((p) => p.participantId === stream.participantId)
        ?.label;
      const rate = ((stream.framesDecoded - (earlier?.framesDecoded ?? 0)) / seconds).toFixed(1);
      lines.push(`${page.label} <- ${label ?? stream.participantId}: ${rate} frames/s decoded ` +
        `(framesDecoded ${stream.framesDecoded}, pliCount ${stream.pliCount}, ` +
        `freezeCount ${stream.freezeCount}, packetsLost ${stream.packetsLost})`);
    }
  }
  return lines;
}

test('three pages on two workers each decode video and receive audio from both others', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const joining = [];
    for (const [label, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) {
      joining.push(await joinAndPublish(label, name));
    }
    for (const { published } of joining) {
      const result = await published;
      assert.deepEqual(result.tracks.map((track) => track.kind).sort(), ['audio', 'video']);
    }
    const receivers = [...pages.values()];
    const streamsOf = await waitForMedia(receivers, othersOf, kWanted, {
      timeoutMs: kMediaTimeoutMs,
    });
    for (const [label, streams] of Object.entries(streamsOf)) {
      for (const stream of streams) t.diagnostic(`${label} <- ${describeStream(stream)}`);
      // Chromium measures the level of what it decodes (RFC 6464 is not needed for it).
      for (const audio of streams.filter((s) => s.kind === 'audio')) {
        if (audio.audioLevel !== undefined) assert.equal(typeof audio.audioLevel, 'number');
        if (audio.totalAudioEnergy !== undefined) {
          assert.ok(audio.totalAudioEnergy > 0, `${label}: ${describeStream(audio)}`);
        }
      }
    }
    for (const line of await decodeRates(receivers)) t.diagnostic(line);
    await assertNoSrtpAuthDrops();
  });
});

test('the server counts forwarded packets, and none failing SRTP authentication', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.equal(pages.size, 3, 'the first test did not join three pages');
    const first = await metricSamples();
    const name = forwardedMetric(first);
    if (name !== 'chorus_router_forwarded_packets_total') {
      t.diagnostic(`chorus_router_forwarded_packets_total is not exported: using ${name}`);
    }
    const before = sampleValue(first, name) ?? 0;
    // What the browsers received went through the server: it must have sent at least as much.
    let received = 0;
    for (const page of pages.values()) {
      const { streams } = await page.call('inboundStats', undefined, kStepTimeoutMs);
      received += streams.reduce((sum, s) => sum + (s.packetsReceived ?? 0), 0);
    }
    const { value: later } = await pollUntil(
      async () => {
        const samples = await metricSamples();
        const value = sampleValue(samples, name) ?? 0;
        return { done: value > before && value >= received, value, samples };
      },
      {
        timeoutMs: kMetricsTimeoutMs,
        describe: (last) =>
          `${name} went from ${before} to ${last.value}, wanted growth and at least the ` +
          `${received} RTP packets the pages received; non-zero media counters:\n` +
          describeNonZero(last.samples, kMediaMetricPrefixes),
      },
    );
    t.diagnostic(`${name}: ${before} -> ${later}; the pages had received ${received} RTP packets`);
    await assertNoSrtpAuthDrops();
  });
});

test('every page hears who is speaking (active_speakers from RFC 6464 levels)', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const ids = new Set([...pages.values()].map((page) => page.participantId));
    for (const page of pages.values()) {
      // Chromium's fake microphone beeps: its participant speaks now and then.
      const event = await page.call(
        'waitForEvent',
        { fields: { type: 'active_speakers' }, since: 0 },
        kStepTimeoutMs,
      );
      for (const id of event.participant_ids) {
        assert.ok(ids.has(id), `${page.label}: active speaker ${id} is not in the room`);
      }
      t.diagnostic(`${page.label}: first active_speakers ${JSON.stringify(event.participant_ids)}`);
    }
  });
});

test('a late joiner decodes every remote video (time to first frame reported)', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.equal(pages.size, 3, 'the first test did not join three pages');
    const publishers = [...pages.values()];
    const plisBefore = await Promise.all(publishers.map(async (page) =>
      (await page.call('outboundVideo', undefined, kStepTimeoutMs)).pliCount));
    const { page: dave, published } = await joinAndPublish('dave', 'Dave');
    // Poll from the join on until every remote video has a decoded frame; the publish result
    // (dave's own id) comes meanwhile.
    const firstFrameMs = new Map();
    let lastStreams = [];
    await pollUntil(
      async () => {
        const { sinceJoinMs, streams } = await dave.call('inboundStats', undefined,
          kStepTimeoutMs);
        lastStreams = streams;
        for (const stream of streams) {
          if (stream.kind === 'video' && stream.framesDecoded > 0 &&
              !firstFrameMs.has(stream.participantId)) {
            firstFrameMs.set(stream.participantId, sinceJoinMs);
          }
        }
        return { done: othersOf(dave).every((id) => firstFrameMs.has(id)) };
      },
      {
        timeoutMs: kMediaTimeoutMs,
        intervalMs: 50,
        describe: () =>
          `dave decoded no frame yet from ${othersOf(dave)
            .filter((id) => !firstFrameMs.has(id)).join(', ')}; his streams:\n` +
          lastStreams.map((s) => `  ${describeStream(s)}`).join('\n'),
      },
    );
    await published;
    const progress = JSON.parse(await dave.progress());
    const marks = Object.entries(progress.marks)
      .map(([name, ms]) => `${name} ${ms - progress.marks.join} ms`)
      .join(', ');
    t.diagnostic(`dave after join: ${marks}`);
    for (const other of [...pages.values()].filter((p) => p !== dave)) {
      t.diagnostic(`dave: first frame from ${other.label} ` +
        `${Math.round(firstFrameMs.get(other.participantId))} ms after his join`);
    }
    // Dave's subscriptions started with a keyframe request to each publisher (RFC 4585 §6.3.1).
    for (const [i, page] of publishers.entries()) {
      const video = await page.call('outboundVideo', undefined, kStepTimeoutMs);
      assert.ok(video.pliCount > plisBefore[i],
        `${page.label} got no PLI when dave subscribed: ${JSON.stringify(video)} (pliCount ` +
        `${plisBefore[i]} before)`);
    }
    // And everyone, dave included, decodes everyone.
    await waitForMedia([...pages.values()], othersOf, kWanted, { timeoutMs: kMediaTimeoutMs });
    await assertNoSrtpAuthDrops();
  });
});

test('one page leaves: the others get participant_left and keep decoding the rest', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.equal(pages.size, 4, 'the earlier tests did not join four pages');
    const carol = pages.get('carol');
    const staying = [...pages.values()].filter((p) => p !== carol);
    const answeredBefore = new Map();
    const eventsBefore = new Map();
    for (const page of staying) {
      const progress = JSON.parse(await page.progress());
      answeredBefore.set(page, progress.answering.lastRevision);
      eventsBefore.set(page, (await page.call('events', undefined, kStepTimeoutMs)).length);
    }
    assert.deepEqual(await carol.call('leave', undefined, kStepTimeoutMs), {});
    pages.delete('carol');

    for (const page of staying) {
      const left = await page.call('waitForEvent', {
        fields: { type: 'participant_left', participant_id: carol.participantId },
        since: eventsBefore.get(page),
      }, kStepTimeoutMs);
      assert.equal(left.reason, 'left', `${page.label}'s participant_left`);
    }
    // Each has answered the offer that turned carol's sections inactive.
    await pollUntil(
      async () => {
        const answering = new Map();
        for (const page of staying) {
          answering.set(page, JSON.parse(await page.progress()).answering);
        }
        const done = staying.every((page) => answering.get(page).lastRevision >
          answeredBefore.get(page));
        return { done, answering };
      },
      {
        timeoutMs: kStepTimeoutMs,
        describe: ({ answering }) =>
          `not every page answered an offer after carol left: ${staying
            .map((page) => `${page.label} ${JSON.stringify(answering.get(page))} (revision ` +
              `${answeredBefore.get(page)} before)`)
            .join('; ')}`,
      },
    );
    // framesDecoded grows between polls made after the renegotiation.
    const streamsOf = await waitForMedia(staying, othersOf, kWanted, {
      timeoutMs: kMediaTimeoutMs,
    });
    for (const [label, streams] of Object.entries(streamsOf)) {
      const fromCarol = streams.filter((s) => s.participantId === carol.participantId);
      for (const stream of fromCarol) {
        t.diagnostic(`${label} <- carol (gone): ${describeStream(stream)}`);
      }
    }
    for (const line of await decodeRates(staying)) t.diagnostic(line);
    await assertNoSrtpAuthDrops();
  });
});

test('chorusd stops cleanly once the browser has gone', { timeout: kTestTimeoutMs }, async (t) => {
  await reporting(t, async () => {
    for (const page of pages.values()) await page.closeConnections();
    await browser.close();
    const status = await chorusd.stop();
    const tail = chorusd.output.slice(-4000);
    assert.equal(status, 0, `chorusd exit status; its output ends:\n${tail}`);
    assert.doesNotMatch(chorusd.output, /(AddressSanitizer|LeakSanitizer|runtime error):/);
  });
});
