// Reconnecting (issue 7, case 4). A page's WebSocket drops (the page closes the SDK's socket
// itself): within the server's resume window the SDK resumes the participant on a new socket by
// itself, the other page sees nothing (no onGroupRemoteCallRemoved or Added), media goes on
// both ways (framesDecoded keeps growing in the browsers' getStats), and a request made after
// the drop (a mute) reaches the room. Then an ICE restart through the SDK's call.restartIce():
// new ICE credentials on both transports, and the media goes on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pollUntil } from './support/timing.mjs';
import { chromiumSdkSuite } from './sdkPages.mjs';
import { joinPages, kStepTimeoutMs, metric, statsFrom, waitForVideo } from './sdkCalls.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-reconnect';
const kTestTimeoutMs = 60_000;
// Well within the server's default resume window of 15 s.
const kResumeTimeoutMs = 8_000;

const suite = chromiumSdkSuite(kPagesDir);
const { pages, reporting } = suite;

const membership = (events) => events.filter((e) => e.type === 'added' || e.type === 'removed');

// Both pages decode more of each other than in `previous` ({label: stats}); returns the new.
async function mediaGoesOn(alice, bob, previous = {}) {
  return {
    alice: await waitForVideo(alice, bob, { previous: previous.alice }),
    bob: await waitForVideo(bob, alice, { previous: previous.bob }),
  };
}

test('a dropped WebSocket is resumed by the SDK; the others see nothing, media goes on', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const { alice, bob } = Object.fromEntries(
      await joinPages(suite.browser, suite.chorusd, pages, kRoom, ['alice', 'bob']));
    const first = await mediaGoesOn(alice, bob);
    const bobMembership = membership(await bob.call('events', undefined, kStepTimeoutMs));
    assert.equal(await metric(suite.chorusd, 'chorus_resumes_total'), 0);

    const socketsBefore = await alice.call('dropSocket', undefined, kStepTimeoutMs);
    const resumed = await pollUntil(async () => {
      const resumes = await metric(suite.chorusd, 'chorus_resumes_total');
      const states = await alice.call('socketStates', undefined, kStepTimeoutMs);
      return { done: resumes === 1 && states.length > socketsBefore && states.at(-1) === 1,
        resumes, states };
    }, {
      timeoutMs: kResumeTimeoutMs,
      describe: (last) => `alice did not resume: chorus_resumes_total ${last.resumes}, ` +
        `socket states ${JSON.stringify(last.states)}`,
    });
    t.diagnostic(`alice resumed on socket ${resumed.states.length}`);

    const second = await mediaGoesOn(alice, bob, first);
    t.diagnostic(`after the resume: ${JSON.stringify(second)}`);
    const details = await alice.call('details', undefined, kStepTimeoutMs);
    assert.equal(details.state, 'established');
    assert.equal(details.endCause, null);
    assert.deepEqual(membership(await bob.call('events', undefined, kStepTimeoutMs)),
      bobMembership, 'bob saw alice leave or come back');
    assert.deepEqual(membership(await alice.call('events', undefined, kStepTimeoutMs))
      .filter((e) => e.type === 'removed'), [], 'alice saw bob leave');
    assert.equal(await metric(suite.chorusd, 'chorus_leaves_total'), 0);

    // The new connection carries requests: a mute reaches bob.
    assert.equal(await alice.call('muteAudio', undefined, kStepTimeoutMs), true);
    await pollUntil(async () => {
      const events = await bob.call('events', undefined, kStepTimeoutMs);
      return { done: events.some((e) => e.type === 'mute' && e.kind === 'audio' && e.muted &&
        e.participantId === alice.participantId), events };
    }, {
      timeoutMs: kStepTimeoutMs,
      describe: (last) => `bob got no audio mute from alice: ${JSON.stringify(last.events)}`,
    });
    pages.get('alice').lastStats = second;
  });
});

test('an ICE restart through call.restartIce() changes the credentials; media goes on', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const alice = pages.get('alice');
    const bob = pages.get('bob');
    assert.ok(alice?.lastStats, 'the first test did not run to its end');
    const before = await alice.call('iceFragments', undefined, kStepTimeoutMs);
    assert.ok(before.publish && before.subscribe, `ICE fragments: ${JSON.stringify(before)}`);
    const failure = await alice.call('restartIce', undefined, kStepTimeoutMs);
    assert.equal(failure, null, `restartIce failed: ${JSON.stringify(failure)}`);
    const { fragments } = await pollUntil(async () => {
      const fragments = await alice.call('iceFragments', undefined, kStepTimeoutMs);
      return { done: fragments.publish !== before.publish &&
        fragments.subscribe !== before.subscribe, fragments };
    }, {
      timeoutMs: kStepTimeoutMs,
      describe: (last) => `ICE fragments ${JSON.stringify(before)} became ` +
        `${JSON.stringify(last.fragments)}`,
    });
    t.diagnostic(`ICE fragments ${JSON.stringify(before)} -> ${JSON.stringify(fragments)}`);
    const start = {
      alice: await statsFrom(alice, bob),
      bob: await statsFrom(bob, alice),
    };
    const after = await mediaGoesOn(alice, bob, start);
    t.diagnostic(`after the ICE restart: ${JSON.stringify(after)}`);
    const details = await alice.call('details', undefined, kStepTimeoutMs);
    assert.equal(details.state, 'established');
    assert.equal(membership(await bob.call('events', undefined, kStepTimeoutMs))
      .filter((e) => e.type === 'removed').length, 0);
  });
});
