// Muting video in a conference of two (issue 7, case 3): when one side mutes its video, the
// other gets onRemoteMuteChanged and sees the remote call's video muted, and its framesDecoded
// (the browser's getStats) stops growing at the same time: no stream that says it is live while
// frozen. After unmute the frames grow again. Then the application's backend mutes the video
// through the REST API: the muted page is told (onLocalMuteChanged) and stops sending, and the
// other page sees the mute `by` the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { kApplication, kSecret } from './support/chorusd.mjs';
import { pollUntil } from './support/timing.mjs';
import { chromiumSdkSuite } from './sdkPages.mjs';
import { joinPages, kStepTimeoutMs, sleep, statsFrom, waitForVideo } from './sdkCalls.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-mute';
const kTestTimeoutMs = 60_000;
// Frames already sent when the mute is reported may still be decoded; none after this.
const kSettleMs = 1_000;
const kStillMs = 2_000;

const suite = chromiumSdkSuite(kPagesDir);
const { pages, reporting } = suite;

// Waits for `page`'s `type` event matching `fields`, after the first `skip` events.
async function waitForEvent(page, fields, skip = 0) {
  const { event } = await pollUntil(async () => {
    const events = (await page.call('events', undefined, kStepTimeoutMs)).slice(skip);
    const event = events.find((e) => Object.entries(fields).every(([k, v]) => e[k] === v));
    return { done: event !== undefined, event, events };
  }, {
    timeoutMs: kStepTimeoutMs,
    describe: (last) => `${page.label} got no event ${JSON.stringify(fields)}; its events: ` +
      JSON.stringify(last.events),
  });
  return event;
}

// Asserts that `page` decodes no frame of `from`'s video for a while once the mute settled,
// while the audio goes on; returns the last statistics.
async function assertVideoStill(t, page, from) {
  await sleep(kSettleMs);
  const before = await statsFrom(page, from);
  await sleep(kStillMs);
  const after = await statsFrom(page, from);
  t.diagnostic(`${page.label} <- ${from.label} while muted: ${JSON.stringify(after)}`);
  assert.equal(after.video.framesDecoded, before.video.framesDecoded,
    `video reported muted but frames still decoded: ${JSON.stringify([before, after])}`);
  assert.ok(after.audio.totalSamplesReceived > before.audio.totalSamplesReceived,
    'the audio goes on while the video is muted');
  assert.equal(after.videoMuted, true, 'the remote call reports its video muted');
  return after;
}

test('a muted video is reported muted and stops decoding; unmuted, it decodes again', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const { alice, bob } = Object.fromEntries(
      await joinPages(suite.browser, suite.chorusd, pages, kRoom, ['alice', 'bob'],
        { kind: 'conference' }));
    await waitForVideo(alice, bob);
    await waitForVideo(bob, alice);

    const skip = (await alice.call('events', undefined, kStepTimeoutMs)).length;
    assert.equal(await bob.call('muteVideo', undefined, kStepTimeoutMs), true);
    const muted = await waitForEvent(alice, { type: 'mute', kind: 'video', muted: true }, skip);
    assert.equal(muted.participantId, bob.participantId);
    assert.equal(muted.by, 'participant');
    assert.equal(muted.videoMuted, true);
    const still = await assertVideoStill(t, alice, bob);

    assert.equal(await bob.call('unmuteVideo', undefined, kStepTimeoutMs), false);
    const unmuted = await waitForEvent(alice, { type: 'mute', kind: 'video', muted: false },
      skip);
    assert.equal(unmuted.videoMuted, false);
    const again = await waitForVideo(alice, bob,
      { frames: still.video.framesDecoded + 15 });
    assert.equal(again.videoMuted, false);
    t.diagnostic(`alice <- bob after unmute: ${JSON.stringify(again)}`);
    // The page's own video went on all along.
    const other = await statsFrom(bob, alice);
    assert.ok(other.video.framesDecoded > 0);
    pages.get('alice').muteTrackId = muted.trackId;
  });
});

test('a video muted by the server (REST API) stops at its sender, and both sides are told', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const alice = pages.get('alice');
    const bob = pages.get('bob');
    assert.ok(alice?.muteTrackId, 'the first test did not run to its end');
    const trackId = alice.muteTrackId;
    const skipAlice = (await alice.call('events', undefined, kStepTimeoutMs)).length;
    const skipBob = (await bob.call('events', undefined, kStepTimeoutMs)).length;

    const url = `${suite.chorusd.baseUrl}/api/v1/rooms/${encodeURIComponent(kRoom)}/tracks/` +
      `${encodeURIComponent(trackId)}/mute`;
    const credentials = Buffer.from(`${kApplication}:${kSecret}`).toString('base64');
    const response = await fetch(url, { method: 'POST',
      headers: { authorization: `Basic ${credentials}` } });
    assert.equal(response.status, 204, `POST ${url}`);

    const own = await waitForEvent(bob, { type: 'localMute', kind: 'video', muted: true },
      skipBob);
    assert.equal(own.by, 'server');
    assert.equal(own.trackId, trackId);
    assert.equal(own.isVideoMuted, true, 'the SDK reports its own video muted');
    const remote = await waitForEvent(alice, { type: 'mute', kind: 'video', muted: true },
      skipAlice);
    assert.equal(remote.by, 'server');
    // The SDK stopped sending: the other side decodes nothing more.
    await assertVideoStill(t, alice, bob);
  });
});
