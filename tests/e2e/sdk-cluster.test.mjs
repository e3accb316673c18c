// Several replicas never split a room, and a drain moves it by the same mechanism (issue 9,
// "Container and Kubernetes"; docs/signaling.md, "Several nodes" and "Draining"). Two chorusd, A
// and B, form a cluster (each knows the other as its peer). One SDK page connects to A, the
// other to B, and both call the same room: the node that is not the room's answers
// `room_elsewhere`, so both calls end up on the room's node, the one rendezvous hashing picks, and
// see each other's video; only that node's /cluster/state lists the room. Then that node gets
// SIGTERM: its `server_draining` event names the other node as `url`, both calls move there by
// themselves, see each other again, never end, and the drained node, empty, exits 0.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from './support/chorusd.mjs';
import { launchChromium } from './support/chromium.mjs';
import { reportingFailure } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';
import { DrivenPage, startChorusdWithSdk } from './sdkPages.mjs';
import { kJoinTimeoutMs, kStepTimeoutMs, waitForVideo } from './sdkCalls.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-cluster';
const kTestTimeoutMs = 55_000;
// The drained node's deadline: long enough that only the moving pages can end the drain early.
const kDeadlineSeconds = 30;
const kClusterSecret = 'e2e-cluster-secret-0123456789abcdef';
const kSyncTimeoutMs = 10_000;
const kMoveTimeoutMs = 20_000;

const nodes = [];
let browser;
const pages = new Map();
const reporting = (t, body) => reportingFailure(t, {
  chorusd: { get output() {
    return nodes.map((node) => `--- chorusd ${node.name} (${node.url}) ---\n` +
      `${node.chorusd?.output ?? '(not started)'}`).join('\n');
  } },
  pages: () => [...pages.values()],
}, body);

// docs/signaling.md, "Several nodes": a node's weight for a room.
const weight = (url, room) =>
  createHash('sha256').update(`${url}\0${room}`).digest().readBigUInt64BE(0);

before(async () => {
  for (const name of ['A', 'B']) {
    const port = await freePort();
    nodes.push({ name, port, url: `ws://127.0.0.1:${port}/ws`,
      control: `http://127.0.0.1:${port}` });
  }
  for (const node of nodes) {
    const peer = nodes.find((other) => other !== node);
    const config = [
      'drain:',
      `  deadline_seconds: ${kDeadlineSeconds}`,
      'cluster:',
      `  advertise_url: ${JSON.stringify(node.url)}`,
      `  peers: [${JSON.stringify(peer.control)}]`,
      `  secret: ${JSON.stringify(kClusterSecret)}`,
      '  probe_interval_seconds: 1',
    ].join('\n');
    node.chorusd = await startChorusdWithSdk({ pagesDir: kPagesDir, httpPort: node.port, config });
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const node of nodes) await node.chorusd?.stop();
});

async function readyz(node) {
  return (await fetch(`${node.control}/readyz`)).status;
}

// The rooms `node` tells its peers it hosts (GET /cluster/state with the cluster's secret).
async function clusterRooms(node) {
  const response = await fetch(`${node.control}/cluster/state`, {
    headers: { Authorization: `Bearer ${kClusterSecret}` },
  });
  assert.equal(response.status, 200, `${node.name}'s /cluster/state`);
  const state = await response.json();
  assert.equal(state.advertise_url, node.url);
  return state.rooms;
}

// Both nodes accept joins and each has seen the other ready: until then a node that probed its
// peer before the peer listened would keep the room to itself.
async function waitForCluster() {
  await pollUntil(async () => {
    const statuses = await Promise.all(nodes.map(readyz));
    return { done: statuses.every((status) => status === 200), statuses };
  }, { timeoutMs: kSyncTimeoutMs, describe: (last) => `/readyz of A, B: ${last.statuses}` });
  await Promise.all(nodes.map((node) => {
    const peer = nodes.find((other) => other !== node);
    return node.chorusd.waitForLine(
      new RegExp(`cluster_peer peer=\\S*:${peer.port}\\S* state=ready`), kSyncTimeoutMs);
  }));
}

// Opens `label`'s page on `node` (so its SDK's url is that node) and joins the room.
async function joinOn(node, label) {
  const page = await DrivenPage.open(browser, node.chorusd, label,
    { path: '/sdk-call.html', global: 'sdkCall' });
  pages.set(label, page);
  const token = await node.chorusd.token({ user: label, room: kRoom });
  const result = await page.call('join', { room: kRoom, name: label, token }, kJoinTimeoutMs);
  if (!result.participantId) {
    throw new Error(`${label} did not join ${kRoom} through ${node.name}: ` +
      JSON.stringify(result));
  }
  page.participantId = result.participantId;
  return page;
}

const details = (page) => page.call('details', undefined, kStepTimeoutMs);

test('a room stays on one node of two whichever each page reaches; SIGTERM moves it to the other',
  { timeout: kTestTimeoutMs }, async (t) => {
    await reporting(t, async () => {
      await waitForCluster();
      const [alice, bob] = await Promise.all([joinOn(nodes[0], 'alice'), joinOn(nodes[1], 'bob')]);
      const [aliceCall, bobCall] = await Promise.all([details(alice), details(bob)]);
      assert.equal(aliceCall.serverUrl, bobCall.serverUrl, 'the calls are on different nodes');
      const owner = nodes.find((node) => node.url === aliceCall.serverUrl);
      assert.ok(owner, `the calls are on ${aliceCall.serverUrl}, neither node`);
      const other = nodes.find((node) => node !== owner);
      const hashed = weight(owner.url, kRoom) > weight(other.url, kRoom) ? owner : other;
      assert.equal(owner, hashed, 'the room is not on the node rendezvous hashing picks');
      t.diagnostic(`the room is on ${owner.name}: alice came through A, bob through B`);
      await waitForVideo(alice, bob);
      await waitForVideo(bob, alice);
      assert.deepEqual(await clusterRooms(owner), [kRoom]);
      assert.deepEqual(await clusterRooms(other), []);
      const before = { alice: alice.participantId, bob: bob.participantId };

      const signalledAt = Date.now();
      owner.chorusd.child.kill('SIGTERM');
      const moved = await pollUntil(async () => {
        const calls = await Promise.all([alice, bob].map(details));
        const done = owner.chorusd.exitStatus !== null &&
          calls.every((call) => call.serverUrl === other.url);
        return { done, calls, exitStatus: owner.chorusd.exitStatus };
      }, {
        timeoutMs: kMoveTimeoutMs,
        describe: (last) => `${owner.name}'s exit status ${last.exitStatus}, calls ` +
          JSON.stringify(last.calls),
      });
      const drainSeconds = (Date.now() - signalledAt) / 1000;
      t.diagnostic(`both calls on ${other.name} and ${owner.name} gone after ` +
        `${drainSeconds.toFixed(1)} s`);
      assert.equal(owner.chorusd.exitStatus, 0, `${owner.name}'s exit status`);
      assert.match(owner.chorusd.output, /chorusd_drained reason=empty participants_left=0/);

      for (const [page, call] of [alice, bob].map((p, i) => [p, moved.calls[i]])) {
        assert.equal(call.state, 'established', `${page.label}'s call`);
        assert.equal(call.endCause, null, `${page.label}'s call ended`);
        assert.notEqual(call.id, before[page.label], `${page.label} has a new participant id`);
        page.participantId = call.id;
        const events = await page.call('events', undefined, kStepTimeoutMs);
        assert.ok(!events.some((e) => e.type === 'ended'), `${page.label}'s call ended`);
        const moving = events.filter((e) => e.type === 'moving');
        assert.equal(moving.length, 1, `${page.label} was told of ${moving.length} moves`);
        assert.equal(moving[0].url, other.url, `${page.label} was not sent to ${other.name}`);
        assert.ok(events.some((e) => e.type === 'moved' && e.participantId === call.id),
          `${page.label}'s onCallMoved`);
      }
      assert.deepEqual(await clusterRooms(other), [kRoom]);
      // On the other node they see each other again: new receivers, video decoded.
      const aliceSees = await waitForVideo(alice, bob);
      const bobSees = await waitForVideo(bob, alice);
      t.diagnostic(`on ${other.name}: alice decodes ${aliceSees.video.framesDecoded} frames of ` +
        `bob, bob ${bobSees.video.framesDecoded} of alice`);
    });
  });
