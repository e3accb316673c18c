// The browser SDK in a group call (issue 7, case 1): three Chromium pages load a page that
// imports /sdk/chorus.js from chorusd and call `callGroup` on one room. Each must get
// onGroupRemoteCallAdded for the other two, decode video from both (framesDecoded grows) and
// receive non-silent audio from both, all read from the SDK's per-participant getStats(); then
// one hangs up and the other two get onGroupRemoteCallRemoved for it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './support/chromium.mjs';
import { reportingFailure } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';
import { DrivenPage, startChorusdWithSdk } from './sdkPages.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-group';
const kStepTimeoutMs = 15_000;
const kJoinTimeoutMs = 20_000;
const kMediaTimeoutMs = 25_000;
// Two seconds of the 15 frames a second the page captures.
const kWantedFrames = 30;
const kTestTimeoutMs = 60_000;

let chorusd;
let browser;
const pages = new Map();

before(async () => {
  chorusd = await startChorusdWithSdk({ pagesDir: kPagesDir });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, body);
}

// Per page, the participant ids of the other pages.
function othersOf(page) {
  return [...pages.values()].filter((p) => p !== page).map((p) => p.participantId);
}

const describeStats = (stats) => JSON.stringify(stats);

test('three SDK pages in a group call each see, decode and hear the other two', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const joins = [];
    for (const label of ['alice', 'bob', 'carol']) {
      const page = await DrivenPage.open(browser, chorusd, label,
        { path: '/sdk-group.html', global: 'sdkTest' });
      pages.set(label, page);
      const token = await chorusd.token({ user: label, room: kRoom });
      joins.push(page.call('join', { room: kRoom, name: label, token }, kJoinTimeoutMs)
        .then((participantId) => {
          page.participantId = participantId;
        }));
    }
    await Promise.all(joins);

    // onGroupRemoteCallAdded for each other page.
    for (const page of pages.values()) {
      await pollUntil(async () => {
        const events = await page.call('events', undefined, kStepTimeoutMs);
        const added = events.filter((e) => e.type === 'added').map((e) => e.participantId);
        return { done: othersOf(page).every((id) => added.includes(id)), added };
      }, {
        timeoutMs: kMediaTimeoutMs,
        describe: (last) => `${page.label} got onGroupRemoteCallAdded for ${last.added}, ` +
          `wanted ${othersOf(page)}`,
      });
    }

    // Video decoded and audio with energy from both others, on every page.
    const first = new Map();
    for (const page of pages.values()) {
      const { stats } = await pollUntil(async () => {
        const stats = await page.call('remoteStats', undefined, kStepTimeoutMs);
        const done = othersOf(page).every((id) => {
          const remote = stats.find((s) => s.participantId === id);
          return remote?.video?.framesDecoded >= kWantedFrames &&
            remote?.audio?.totalSamplesReceived > 0 && remote?.audio?.totalAudioEnergy > 0;
        });
        return { done, stats };
      }, {
        timeoutMs: kMediaTimeoutMs,
        describe: (last) => `${page.label} receives ${describeStats(last.stats)}`,
      });
      first.set(page, stats);
      for (const remote of stats) t.diagnostic(`${page.label} <- ${describeStats(remote)}`);
    }

    // And keeps decoding: framesDecoded grows for each remote video.
    for (const page of pages.values()) {
      await pollUntil(async () => {
        const stats = await page.call('remoteStats', undefined, kStepTimeoutMs);
        const done = first.get(page).every((earlier) => {
          const now = stats.find((s) => s.participantId === earlier.participantId);
          return now?.video?.framesDecoded > earlier.video.framesDecoded &&
            now?.audio?.totalSamplesReceived > earlier.audio.totalSamplesReceived;
        });
        return { done, stats };
      }, {
        timeoutMs: kStepTimeoutMs,
        describe: (last) => `${page.label}: no growth from ${describeStats(first.get(page))} ` +
          `to ${describeStats(last.stats)}`,
      });
    }
  });
});

test('one page hangs up: the other two get onGroupRemoteCallRemoved for it', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.equal(pages.size, 3, 'the first test did not join three pages');
    const carol = pages.get('carol');
    assert.equal(await carol.call('hangup', undefined, kStepTimeoutMs), 'hangup');
    const details = await carol.call('details', undefined, kStepTimeoutMs);
    assert.equal(details.state, 'ended');
    assert.ok(details.endedTime, 'the ended call has an end time');
    for (const page of [pages.get('alice'), pages.get('bob')]) {
      await pollUntil(async () => {
        const events = await page.call('events', undefined, kStepTimeoutMs);
        return { done: events.some((e) => e.type === 'removed' &&
          e.participantId === carol.participantId), events };
      }, {
        timeoutMs: kStepTimeoutMs,
        describe: (last) => `${page.label} events: ${JSON.stringify(last.events.slice(-10))}`,
      });
      const stats = await page.call('remoteStats', undefined, kStepTimeoutMs);
      assert.deepEqual(stats.map((s) => s.participantId), othersOf(page)
        .filter((id) => id !== carol.participantId));
      t.diagnostic(`${page.label}: carol removed, still receiving ${describeStats(stats)}`);
    }
  });
});
