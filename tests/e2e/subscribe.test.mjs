// The server's own SDP in a real browser: two Chromium pages in one group room. Alice publishes;
// Bob publishes too and answers the server's subscribe offers on a second RTCPeerConnection,
// which must reach DTLS-connected with Alice's tracks mapped to her through the msid; Alice
// leaves and her sections turn inactive; then both of Bob's transports restart ICE
// (docs/signaling.md, "Rooms and media"). Media forwarding between participants is not asserted
// here: no inbound RTP is expected on the subscribe transport.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Chorusd } from './support/chorusd.mjs';
import { launchChromium } from './support/chromium.mjs';
import { describeNonZero, parseSamples, sampleValue } from './support/prometheus.mjs';
import { iceUfrag, mediaSections } from './support/sdp.mjs';
import { reportingFailure, TestPage } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-subscribe';
const kStepTimeoutMs = 15_000;
const kPublishTimeoutMs = 20_000;
const kMetricsTimeoutMs = 10_000;
// RTP packets the server must decrypt after the publish ICE restart: about half a second of
// Chromium's fake audio and video (see publish.test.mjs).
const kWantedRtpPackets = 25;
const kMediaMetricPrefixes = ['chorus_udp_', 'chorus_media_', 'chorus_transport', 'chorus_dtls_'];
// Outer bounds, should a wait without its own deadline hang.
const kTestTimeoutMs = 60_000;

let chorusd;
let browser;
let alice;
let bob;
// What the tests learn and the later ones build on.
let aliceId;
let aliceTracks;
let bobSubscribed;

before(async () => {
  chorusd = await Chorusd.start({ pagesDir: kPagesDir });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [alice, bob] }, body);
}

// A metric's value, polled until `wanted(value)`; fails naming the media counters.
async function metricUntil(name, labels, wanted, what) {
  return pollUntil(
    async () => {
      const samples = parseSamples(await chorusd.metricsText());
      const value = sampleValue(samples, name, labels) ?? 0;
      return { done: wanted(value), value, samples };
    },
    {
      timeoutMs: kMetricsTimeoutMs,
      describe: (last) =>
        `${name}${JSON.stringify(labels)} is ${last.value}, wanted ${what}; non-zero media ` +
        `counters:\n${describeNonZero(last.samples, kMediaMetricPrefixes)}`,
    },
  );
}

async function openAuthenticated(label, user) {
  const page = await TestPage.open(browser, chorusd, label);
  const token = await chorusd.token({ user, room: kRoom });
  await page.call('authenticate', { token }, kStepTimeoutMs);
  return page;
}

// Bob's `transport_state` events with state `failed`, which no step may cause.
async function bobFailures() {
  const { events } = await bob.call('transportStates', undefined, kStepTimeoutMs);
  return events.filter((e) => e.state === 'failed');
}

test('bob answers the server subscribe offer: alice tracks by msid, DTLS connected', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    alice = await openAuthenticated('alice', 'alice');
    bob = await openAuthenticated('bob', 'bob');
    const alicePublished = await alice.call('publish', { room: kRoom, name: 'Alice' },
      kPublishTimeoutMs);
    aliceId = alicePublished.participantId;
    aliceTracks = alicePublished.tracks;
    assert.deepEqual(aliceTracks.map((track) => track.kind).sort(), ['audio', 'video']);

    // Bob joins after Alice published: her tracks are in his join result.
    const bobPublished = await bob.call('publish', { room: kRoom, name: 'Bob' }, kPublishTimeoutMs);
    const aliceSeen = bobPublished.participants.find((p) => p.participant_id === aliceId);
    assert.ok(aliceSeen, `alice (${aliceId}) is not in bob's join result`);
    assert.deepEqual(
      aliceSeen.tracks.map((track) => track.track_id).sort(),
      aliceTracks.map((track) => track.track_id).sort(),
      "alice's tracks in bob's join result",
    );

    // Alice, there first, hears of Bob and his tracks.
    const bobId = bobPublished.participantId;
    const aliceHears = (fields) => alice.call('waitForEvent', { fields }, kStepTimeoutMs);
    const joined = await aliceHears({
      type: 'participant_joined',
      participant: { participant_id: bobId },
    });
    assert.equal(joined.participant.name, 'Bob');
    for (const { track_id, kind } of bobPublished.tracks) {
      const track = { track_id, kind, participant_id: bobId };
      await aliceHears({ type: 'track_published', track });
    }

    // setRemoteDescription(offer) and the server's acceptance of the answer prove the SDP
    // both ways; connected on both sides proves ICE and the DTLS roles.
    bobSubscribed = await bob.call('answerSubscribeOffer', { connected: true }, kStepTimeoutMs);
    assert.deepEqual(bobSubscribed.result, {}, 'subscribe_answer result');
    assert.equal(bobSubscribed.connectionState, 'connected');
    assert.equal(bobSubscribed.dtlsState, 'connected');
    assert.match(bobSubscribed.offer, /^a=setup:actpass\r?$/m, 'the server offers setup:actpass');
    assert.match(bobSubscribed.answer, /^a=setup:active\r?$/m, 'chromium answers setup:active');

    const fromAlice = bobSubscribed.tracks.filter((track) => track.streamIds[0] === aliceId);
    assert.equal(
      fromAlice.length, 2,
      `ontrack events with stream id ${aliceId}: ${JSON.stringify(bobSubscribed.tracks)}`,
    );
    for (const published of aliceTracks) {
      const received = fromAlice.find((track) => track.trackId === published.track_id);
      assert.ok(received, `no ontrack for ${published.track_id}: ${JSON.stringify(fromAlice)}`);
      assert.equal(received.kind, published.kind, `kind of ${published.track_id}`);
    }

    // The offer's msid (RFC 8830) is what gave the streams and tracks their ids.
    for (const track of fromAlice) {
      const section = mediaSections(bobSubscribed.offer).find((s) => s.mid === track.mid);
      assert.equal(section?.direction, 'sendonly', `direction of m-section ${track.mid}`);
      assert.equal(section?.msid, `${aliceId} ${track.trackId}`, `msid of m-section ${track.mid}`);
    }

    // Alice's publish, Bob's publish and Bob's subscribe transports.
    await metricUntil('chorus_transports_connected_total', {}, (v) => v >= 3, 'at least 3');
    assert.deepEqual(await bobFailures(), []);
  });
});

test("alice leaves: bob gets participant_left and an offer with alice's sections inactive", {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.ok(bobSubscribed, 'the first test did not subscribe bob');
    const since = (await bob.call('events', undefined, kStepTimeoutMs)).length;
    assert.deepEqual(await alice.call('leave', undefined, kStepTimeoutMs), {});

    const left = await bob.call(
      'waitForEvent', { fields: { type: 'participant_left', participant_id: aliceId }, since },
      kStepTimeoutMs);
    assert.equal(left.reason, 'left');

    const reoffered = await bob.call('answerSubscribeOffer', { connected: false }, kStepTimeoutMs);
    assert.ok(reoffered.revision > bobSubscribed.revision, 'the new offer has a higher revision');
    assert.deepEqual(reoffered.result, {}, 'subscribe_answer result');
    const aliceMids = bobSubscribed.tracks
      .filter((track) => track.streamIds[0] === aliceId)
      .map((track) => track.mid);
    const sections = mediaSections(reoffered.offer);
    for (const mid of aliceMids) {
      const section = sections.find((s) => s.mid === mid);
      assert.ok(section, `the new offer lost m-section ${mid}: ${JSON.stringify(sections)}`);
      assert.equal(section.direction, 'inactive', `m-section ${mid} of the departed alice`);
      assert.equal(section.msid, undefined, `m-section ${mid} still has an msid`);
    }
    // The same RTCPeerConnection, still connected: a renegotiation, not a new transport.
    assert.equal(reoffered.connectionState, 'connected');
    assert.equal(iceUfrag(reoffered.offer), iceUfrag(bobSubscribed.offer), 'ICE was not restarted');
    assert.deepEqual(await bobFailures(), []);
  });
});

test('ICE restart of the publish transport: new credentials, connected, RTP keeps coming', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.ok(bob, 'the first test opened no page for bob');
    const restarted = await bob.call('restartPublishIce', undefined, kStepTimeoutMs);
    assert.notEqual(iceUfrag(restarted.offer), iceUfrag(restarted.previousOffer),
      "chromium's offer after restartIce() has new credentials");
    assert.notEqual(iceUfrag(restarted.answer), iceUfrag(restarted.previousAnswer),
      "the server's answer to an ICE restart has new credentials (RFC 8445 §9)");
    assert.match(restarted.answer, /^a=setup:passive\r?$/m, 'the server answers setup:passive');
    assert.equal(restarted.connectionState, 'connected');
    assert.deepEqual(await bobFailures(), []);

    // Counted from when the browser checked connectivity on the new credentials.
    const rtp = { kind: 'rtp' };
    const { value: atRestart } = await metricUntil(
      'chorus_media_packets_received_total', rtp, () => true, 'any');
    const { value: later } = await metricUntil(
      'chorus_media_packets_received_total', rtp, (v) => v >= atRestart + kWantedRtpPackets,
      `at least ${atRestart + kWantedRtpPackets} (${kWantedRtpPackets} after the restart)`);
    t.diagnostic(`server decrypted ${later - atRestart} RTP packets after the ICE restart`);
  });
});

test('restart_ice on the subscribe transport: a new offer with new credentials, connected', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.ok(bobSubscribed, 'the first test did not subscribe bob');
    const restarted = await bob.call('restartSubscribeIce', undefined, kStepTimeoutMs);
    assert.deepEqual(restarted.result, {}, 'restart_ice result');
    assert.notEqual(iceUfrag(restarted.offer), iceUfrag(restarted.previousOffer),
      'the offer after restart_ice has new ICE credentials');
    assert.equal(restarted.connectionState, 'connected');
    assert.deepEqual(await bobFailures(), []);
  });
});

test('chorusd stops cleanly once the browser has gone', { timeout: kTestTimeoutMs }, async (t) => {
  await reporting(t, async () => {
    await alice?.closeConnections();
    await bob?.closeConnections();
    await browser.close();
    const status = await chorusd.stop();
    const tail = chorusd.output.slice(-4000);
    assert.equal(status, 0, `chorusd exit status; its output ends:\n${tail}`);
    assert.doesNotMatch(chorusd.output, /(AddressSanitizer|LeakSanitizer|runtime error):/);
  });
});
