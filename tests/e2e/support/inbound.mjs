// What a page receives from the others, judged from its subscribe transport's inbound-rtp
// statistics (pages/client.js `inboundStats`): is each remote participant's video decoded, and
// their audio received?
import { pollUntil } from './timing.mjs';

// One stream as a line for a failure message or a report.
export function describeStream(stream) {
  const fields = Object.entries(stream)
    .filter(([key, value]) => value !== undefined && !['participantId', 'kind'].includes(key))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${stream.participantId ?? '(unknown participant)'} ${stream.kind}: ${fields}`;
}

// The problems that keep `streams` (one inboundStats() result) from showing media from each of
// `from` (participant ids): for each, a video stream whose framesDecoded is above `frames` and
// above what `previous` (the streams of an earlier poll, or undefined) had, and an audio stream
// with more than `audioPackets` packets. An empty list when there is none.
export function missingMedia(streams, from, { frames, audioPackets }, previous) {
  const problems = [];
  const before = (stream) =>
    previous?.find((s) => s.mid === stream.mid && s.participantId === stream.participantId);
  for (const participantId of from) {
    const mine = streams.filter((s) => s.participantId === participantId);
    const video = mine.filter((s) => s.kind === 'video');
    const audio = mine.filter((s) => s.kind === 'audio');
    if (video.length === 0) problems.push(`no inbound video from ${participantId}`);
    if (audio.length === 0) problems.push(`no inbound audio from ${participantId}`);
    for (const stream of video) {
      const decoded = stream.framesDecoded ?? 0;
      const earlier = before(stream)?.framesDecoded;
      if (decoded <= frames) {
        problems.push(`video from ${participantId}: ${decoded} frames decoded, wanted > ${frames}`);
      } else if (earlier === undefined || decoded <= earlier) {
        problems.push(`video from ${participantId}: framesDecoded ${decoded} not growing ` +
          `(${earlier ?? 'no earlier poll'})`);
      }
    }
    for (const stream of audio) {
      const packets = stream.packetsReceived ?? 0;
      if (packets <= audioPackets) {
        problems.push(`audio from ${participantId}: ${packets} packets, wanted > ${audioPackets}`);
      }
    }
  }
  return problems;
}

// Polls every page's inboundStats() until each shows media from all the participants
// `fromOf(page)` names (see missingMedia); fails after `timeoutMs` with every page's problems
// and streams. Returns {page label: the last streams}.
export async function waitForMedia(pages, fromOf, wanted, { timeoutMs, intervalMs = 500 }) {
  let previous = new Map();
  const { streamsOf } = await pollUntil(
    async () => {
      const streamsOf = new Map();
      const problemsOf = new Map();
      for (const page of pages) {
        const { streams } = await page.call('inboundStats', undefined, timeoutMs);
        streamsOf.set(page, streams);
        const problems = missingMedia(streams, fromOf(page), wanted, previous.get(page));
        if (problems.length > 0) problemsOf.set(page, problems);
      }
      previous = streamsOf;
      return { done: problemsOf.size === 0, streamsOf, problemsOf };
    },
    {
      timeoutMs,
      intervalMs,
      describe: ({ streamsOf, problemsOf }) =>
        'media missing:\n' +
        pages
          .map((page) =>
            [
              `${page.label} (wants media from ${fromOf(page).join(', ')}):`,
              ...(problemsOf.get(page) ?? ['(nothing missing)']).map((p) => `  ! ${p}`),
              ...streamsOf.get(page).map((s) => `    ${describeStream(s)}`),
            ].join('\n'),
          )
          .join('\n'),
    },
  );
  return Object.fromEntries([...streamsOf].map(([page, streams]) => [page.label, streams]));
}
