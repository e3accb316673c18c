// The browser SDK in a group call (issue 7, case 1): three Chromium pages load a page that
// imports /sdk/chorus.js from chorusd and call `callGroup` on one room. Each must get
// onGroupRemoteCallAdded for the other two, decode video from both (framesDecoded grows) and
// receive non-silent audio from both, all read from the SDK's per-participant getStats(); then
// one hangs up and the other two get onGroupRemoteCallRemoved for it; then one closes its page
// and the last gets onGroupRemoteCallRemoved at once, not after the server's resume window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pollUntil } from './support/timing.mjs';
import {
  assertEachSeesAndHearsTheOthers, assertHangupRemoves, joinGroup, kStepTimeoutMs,
} from './sdkGroup.mjs';
import { chromiumSdkSuite } from './sdkPages.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-group';
const kTestTimeoutMs = 60_000;
// Well within rooms.resume_window_seconds (15 s), for which the server would keep a participant
// whose connection just dropped.
const kPageLeftTimeoutMs = 5_000;

const suite = chromiumSdkSuite(kPagesDir);
const { pages, reporting } = suite;

test('three SDK pages in a group call each see, decode and hear the other two', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    await joinGroup(suite.chorusd, pages, kRoom,
      ['alice', 'bob', 'carol'].map((label) => [label, suite.browser]));
    await assertEachSeesAndHearsTheOthers(t, pages);
  });
});

test('one page hangs up: the other two get onGroupRemoteCallRemoved for it', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.equal(pages.size, 3, 'the first test did not join three pages');
    await assertHangupRemoves(t, pages, 'carol');
  });
});

test('one page closes: the SDK hangs up and the other gets onGroupRemoteCallRemoved at once', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const alice = pages.get('alice');
    const bob = pages.get('bob');
    assert.ok(alice && bob, 'the first test did not join alice and bob');
    const closedAt = Date.now();
    await bob.page.close({ runBeforeUnload: true });
    pages.delete('bob');
    await pollUntil(async () => {
      const events = await alice.call('events', undefined, kStepTimeoutMs);
      return { done: events.some((e) => e.type === 'removed' &&
        e.participantId === bob.participantId), events };
    }, {
      timeoutMs: kPageLeftTimeoutMs,
      describe: (last) => `alice events: ${JSON.stringify(last.events.slice(-10))}`,
    });
    t.diagnostic(`alice saw bob leave ${Date.now() - closedAt} ms after his page closed`);
  });
});
