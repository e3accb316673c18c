// What the SDK group call tests (sdk-group.test.mjs in Chromium, sdk-firefox.test.mjs with
// Firefox) share: pages of pages/sdk-group.html joined to one group, and the checks of issue 7's
// case 1 read from the SDK's events and its per-participant getStats().
import assert from 'node:assert/strict';

import { pollUntil } from './support/timing.mjs';
import { DrivenPage } from './sdkPages.mjs';

export const kStepTimeoutMs = 15_000;
export const kJoinTimeoutMs = 20_000;
export const kMediaTimeoutMs = 25_000;
// Two seconds of the 15 frames a second the page captures.
const kWantedFrames = 30;

const describeStats = (stats) => JSON.stringify(stats);

// The participant ids of the pages in `pages` (a Map) other than `page`.
export function othersOf(pages, page) {
  return [...pages.values()].filter((p) => p !== page).map((p) => p.participantId);
}

// Opens a page of pages/sdk-group.html per [label, browser] of `members` and joins each to the
// group `room` as `chorusd`'s user `label`; each page goes into `pages` (label → DrivenPage, with
// its participantId) as soon as it is open, for the failure report. Resolves once every call is
// established.
export async function joinGroup(chorusd, pages, room, members) {
  const joins = [];
  for (const [label, browser] of members) {
    const page = await DrivenPage.open(browser, chorusd, label,
      { path: '/sdk-group.html', global: 'sdkTest' });
    pages.set(label, page);
    const token = await chorusd.token({ user: label, room });
    joins.push(page.call('join', { room, name: label, token }, kJoinTimeoutMs)
      .then((participantId) => {
        page.participantId = participantId;
      }));
  }
  await Promise.all(joins);
}

// Every page of `pages` gets onGroupRemoteCallAdded for each other page, decodes video from
// each (over two seconds' worth of frames, and growing) and receives audio with energy from
// each (growing). `codecs` ({video, audio}: regular expressions), when given, must match the
// codecs each page receives. Returns {label: the per-remote statistics first seen}.
export async function assertEachSeesAndHearsTheOthers(t, pages, codecs) {
  for (const page of pages.values()) {
    await pollUntil(async () => {
      const events = await page.call('events', undefined, kStepTimeoutMs);
      const added = events.filter((e) => e.type === 'added').map((e) => e.participantId);
      return { done: othersOf(pages, page).every((id) => added.includes(id)), added };
    }, {
      timeoutMs: kMediaTimeoutMs,
      describe: (last) => `${page.label} got onGroupRemoteCallAdded for ${last.added}, ` +
        `wanted ${othersOf(pages, page)}`,
    });
  }

  const first = new Map();
  for (const page of pages.values()) {
    const { stats } = await pollUntil(async () => {
      const stats = await page.call('remoteStats', undefined, kStepTimeoutMs);
      const done = othersOf(pages, page).every((id) => {
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
    for (const remote of stats) {
      t.diagnostic(`${page.label} <- ${describeStats(remote)}`);
      if (codecs) {
        assert.match(remote.video.codec ?? '', codecs.video,
          `${page.label}: video codec from ${remote.name}`);
        assert.match(remote.audio.codec ?? '', codecs.audio,
          `${page.label}: audio codec from ${remote.name}`);
      }
    }
  }

  // And keeps decoding: framesDecoded and the audio samples grow for each remote.
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
}

// The page `label` of `pages` hangs up; its call ends with `hangup`, and every other page gets
// onGroupRemoteCallRemoved for it and still receives the rest.
export async function assertHangupRemoves(t, pages, label) {
  const leaving = pages.get(label);
  assert.equal(await leaving.call('hangup', undefined, kStepTimeoutMs), 'hangup');
  const details = await leaving.call('details', undefined, kStepTimeoutMs);
  assert.equal(details.state, 'ended');
  assert.ok(details.endedTime, 'the ended call has an end time');
  for (const page of pages.values()) {
    if (page === leaving) continue;
    await pollUntil(async () => {
      const events = await page.call('events', undefined, kStepTimeoutMs);
      return { done: events.some((e) => e.type === 'removed' &&
        e.participantId === leaving.participantId), events };
    }, {
      timeoutMs: kStepTimeoutMs,
      describe: (last) => `${page.label} events: ${JSON.stringify(last.events.slice(-10))}`,
    });
    const stats = await page.call('remoteStats', undefined, kStepTimeoutMs);
    assert.deepEqual(stats.map((s) => s.participantId).sort(), othersOf(pages, page)
      .filter((id) => id !== leaving.participantId).sort());
    t.diagnostic(`${page.label}: ${label} removed, still receiving ${describeStats(stats)}`);
  }
}
