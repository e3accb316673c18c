// A server drain moves the call (issue 9, "Health and draining"). Two chorusd, A and B, behind a
// load balancer (support/balancer.mjs) that sends each new connection to the first ready one;
// two SDK pages, loaded and connected through it, are in a call on A. A gets SIGTERM: its
// /readyz turns 503, each page's SDK gets `server_draining` and, by itself, joins the same room
// through the balancer (now B), then leaves A. The pages end up in the room on B, seeing each
// other's video, the calls never ended, and A, empty, exits 0 well before its deadline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Balancer } from './support/balancer.mjs';
import { launchChromium } from './support/chromium.mjs';
import { reportingFailure } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';
import { DrivenPage, startChorusdWithSdk } from './sdkPages.mjs';
import { kJoinTimeoutMs, kStepTimeoutMs, metric, waitForVideo } from './sdkCalls.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-drain';
const kTestTimeoutMs = 90_000;
// A's drain deadline: long enough that only the moving pages can end the drain early.
const kDeadlineSeconds = 30;
const kMoveTimeoutMs = 20_000;

let a;
let b;
let balancer;
let browser;
const pages = new Map();
const servers = () => [a, b].filter(Boolean);
const reporting = (t, body) => reportingFailure(t, {
  chorusd: { get output() {
    return servers().map((s, i) => `--- chorusd ${'AB'[i]} ---\n${s.output}`).join('\n');
  } },
  pages: () => [...pages.values()],
}, body);

before(async () => {
  const config = `drain:\n  deadline_seconds: ${kDeadlineSeconds}`;
  a = await startChorusdWithSdk({ pagesDir: kPagesDir, config });
  b = await startChorusdWithSdk({ pagesDir: kPagesDir, config });
  balancer = await Balancer.start([a, b]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await balancer?.close();
  for (const server of servers()) await server.stop();
});

// Opens a page per label through the balancer and joins each to the room.
async function joinThroughBalancer(labels) {
  await Promise.all(labels.map(async (label) => {
    const page = await DrivenPage.open(browser, balancer, label,
      { path: '/sdk-call.html', global: 'sdkCall' });
    pages.set(label, page);
    const token = await a.token({ user: label, room: kRoom });
    const result = await page.call('join', { room: kRoom, name: label, token }, kJoinTimeoutMs);
    if (!result.participantId) {
      throw new Error(`${label} did not join ${kRoom}: ${JSON.stringify(result)}`);
    }
    page.participantId = result.participantId;
  }));
  return labels.map((label) => pages.get(label));
}

test('SIGTERM on A moves both calls to B by themselves; media goes on; A exits 0', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const [alice, bob] = await joinThroughBalancer(['alice', 'bob']);
    await waitForVideo(alice, bob);
    await waitForVideo(bob, alice);
    assert.equal(await metric(a, 'chorus_participants'), 2);
    assert.equal(await metric(b, 'chorus_participants'), 0);
    const before = { alice: alice.participantId, bob: bob.participantId };

    const signalledAt = Date.now();
    a.child.kill('SIGTERM');
    const moved = await pollUntil(async () => {
      const onB = await metric(b, 'chorus_participants');
      const details = await Promise.all([alice, bob].map((page) =>
        page.call('details', undefined, kStepTimeoutMs)));
      return { done: onB === 2 && a.exitStatus !== null, onB, exitStatus: a.exitStatus, details };
    }, {
      timeoutMs: kMoveTimeoutMs,
      describe: (last) => `participants on B: ${last.onB}, A's exit status ` +
        `${last.exitStatus}, calls ${JSON.stringify(last.details)}`,
    });
    const drainSeconds = (Date.now() - signalledAt) / 1000;
    t.diagnostic(`both calls on B and A gone after ${drainSeconds.toFixed(1)} s`);
    assert.equal(a.exitStatus, 0, 'A exit status');
    assert.ok(drainSeconds < kDeadlineSeconds, 'A waited for its deadline');
    assert.match(a.output, /chorusd_drained reason=empty participants_left=0/);

    for (const [page, details] of [alice, bob].map((p, i) => [p, moved.details[i]])) {
      assert.equal(details.state, 'established', `${page.label}'s call`);
      assert.equal(details.endCause, null, `${page.label}'s call ended`);
      assert.notEqual(details.id, before[page.label], `${page.label} has a new participant id`);
      page.participantId = details.id;
      const events = await page.call('events', undefined, kStepTimeoutMs);
      const moving = events.find((e) => e.type === 'moving');
      assert.ok(moving, `${page.label} was not told of the move`);
      assert.equal(moving.url, null);
      assert.ok(Math.abs(moving.deadline - (signalledAt + kDeadlineSeconds * 1000)) < 5_000,
        `deadline ${moving.deadline} vs SIGTERM at ${signalledAt}`);
      assert.ok(events.some((e) => e.type === 'moved' && e.participantId === details.id));
    }
    // On B they see each other again: new receivers, video decoded.
    const aliceSees = await waitForVideo(alice, bob);
    const bobSees = await waitForVideo(bob, alice);
    t.diagnostic(`on B: alice decodes ${aliceSees.video.framesDecoded} frames of bob, bob ` +
      `${bobSees.video.framesDecoded} of alice`);
  });
});
