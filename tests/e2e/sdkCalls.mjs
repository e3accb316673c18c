// What the SDK case tests (sdk-mute, sdk-reconnect, sdk-codecs, sdk-errors) share: pages of
// pages/sdk-call.html joined to a call, and waits on the receive statistics those pages read
// from the browser's getStats() through the SDK.
import { DrivenPage } from './sdkPages.mjs';
import { parseSamples, sampleValue } from './support/prometheus.mjs';
import { pollUntil } from './support/timing.mjs';

export const kStepTimeoutMs = 15_000;
export const kJoinTimeoutMs = 20_000;
export const kMediaTimeoutMs = 20_000;
// One second of the 15 frames a second the pages capture.
export const kWantedFrames = 15;

// Opens a page per label and joins each to `room`; resolves to the pages (label → DrivenPage,
// each with its participantId) once every call is established. `pages` (a Map) gets each page
// as soon as it is open, for the failure report.
export async function joinPages(browser, chorusd, pages, room, labels, options = {}) {
  const joined = new Map();
  await Promise.all(labels.map(async (label) => {
    const page = await DrivenPage.open(browser, chorusd, label,
      { path: '/sdk-call.html', global: 'sdkCall' });
    pages.set(label, page);
    joined.set(label, page);
    const token = await chorusd.token({ user: label, room });
    const result = await page.call('join', { room, name: label, token, ...options },
      kJoinTimeoutMs);
    if (!result.participantId) {
      throw new Error(`${label} did not join ${room}: ${JSON.stringify(result)}`);
    }
    page.participantId = result.participantId;
  }));
  return joined;
}

// The remote participant `from` as `page` receives it: {participantId, video, audio, ...}.
export async function statsFrom(page, from) {
  const stats = await page.call('remoteStats', undefined, kStepTimeoutMs);
  return stats.find((s) => s.participantId === from.participantId) ?? null;
}

// Waits until `page` has decoded more than `frames` frames of `from`'s video (and, when
// `previous` statistics are given, a second's worth more than they had) and received audio with
// energy; returns the last statistics.
export async function waitForVideo(page, from, { frames = kWantedFrames, previous,
  timeoutMs = kMediaTimeoutMs } = {}) {
  const wantedAfter = previous ? (previous.video?.framesDecoded ?? 0) + kWantedFrames : 0;
  const { stats } = await pollUntil(async () => {
    const stats = await statsFrom(page, from);
    const decoded = stats?.video?.framesDecoded ?? 0;
    const done = decoded > Math.max(frames, wantedAfter) && stats.audio?.totalAudioEnergy > 0;
    return { done, stats };
  }, {
    timeoutMs,
    describe: (last) => `${page.label} receives from ${from.label}: ` +
      `${JSON.stringify(last.stats)}, wanted framesDecoded > ${Math.max(frames, wantedAfter)} ` +
      'and audio energy',
  });
  return stats;
}

// The value of a chorusd metric (summed over its labels' matches) now.
export async function metric(chorusd, name, labels = {}) {
  return sampleValue(parseSamples(await chorusd.metricsText()), name, labels) ?? 0;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
