// The browser side of sdk-group.test.mjs: a page that uses the SDK served by chorusd
// (/sdk/chorus.js) as an application would, driven through window.sdkTest. It records the SDK's
// events and reports each remote participant's receive statistics from getStats().
import { ChorusClient } from '/sdk/chorus.js';

const progress = { steps: [], events: [], error: null };
const startedAt = performance.now();

function step(text) {
  progress.steps.push(`${((performance.now() - startedAt) / 1000).toFixed(2)}s ${text}`);
  console.log(`step: ${text}`);
}

let call;
let established;

// Joins the group `room` with the fake camera and microphone; resolves to this participant's
// id once the call is established (the publish transport connected).
function join({ room, name, token }) {
  const client = new ChorusClient({ url: location.origin, userId: name, token });
  client.setSupportActiveConnection(true);
  established = new Promise((resolve, reject) => {
    client.start().then(() => {
      step('client started');
      call = client.getCallClient().callGroup(room, {
        name,
        videoConstraints: { width: 320, height: 240, frameRate: 15 },
      });
      call.addEventListener({
        onCallProgressing: () => step(`progressing as ${call.participantId}`),
        onCallEstablished: () => {
          step('established');
          resolve(call.participantId);
        },
        onCallEnded: (ended) => {
          step(`ended: ${ended.details.endCause} ${ended.error?.code ?? ''}`);
          reject(ended.error ?? new Error(`call ended: ${ended.details.endCause}`));
        },
        onGroupLocalMediaAdded: (stream) =>
          step(`local media: ${stream.getTracks().map((t) => t.kind).join(', ')}`),
        onGroupRemoteCallAdded: (remote) => {
          progress.events.push({ type: 'added', participantId: remote.participantId,
            name: remote.name, tracks: remote.incomingStream?.getTracks().length ?? 0 });
          step(`remote added: ${remote.participantId} (${remote.name})`);
          // Chromium decodes received audio only as fast as an output pulls it.
          const audio = new Audio();
          audio.srcObject = remote.incomingStream;
          audio.play().catch((error) => step(`playing failed: ${error.message}`));
        },
        onGroupRemoteCallRemoved: (remote) => {
          progress.events.push({ type: 'removed', participantId: remote.participantId });
          step(`remote removed: ${remote.participantId}`);
        },
        onActiveSpeakersChanged: (speakers) => {
          progress.events.push({ type: 'speakers',
            participantIds: speakers.map((s) => s.participantId) });
        },
        onRemoteMuteChanged: (remote, change) => {
          progress.events.push({ type: 'mute', participantId: remote.participantId, ...change });
        },
      });
    }, reject);
  });
  return established;
}

// Per remote participant: video framesDecoded and audio samples and energy received, and the
// codecs, from the inbound-rtp (and codec) reports of its receivers.
async function remoteStats() {
  const result = [];
  for (const remote of call?.remoteCalls ?? []) {
    const entry = { participantId: remote.participantId, name: remote.name };
    const reports = await remote.getStats();
    for (const report of reports.values()) {
      if (report.type !== 'inbound-rtp') continue;
      const codec = reports.get(report.codecId)?.mimeType;
      if (report.kind === 'video') {
        entry.video = { codec, framesDecoded: report.framesDecoded,
          packetsLost: report.packetsLost, freezeCount: report.freezeCount,
          pliCount: report.pliCount };
      } else {
        entry.audio = { codec, totalSamplesReceived: report.totalSamplesReceived,
          totalAudioEnergy: report.totalAudioEnergy, packetsReceived: report.packetsReceived };
      }
    }
    result.push(entry);
  }
  return result;
}

function hangup() {
  call?.hangup();
  return call?.details.endCause;
}

window.sdkTest = {
  progress,
  join,
  remoteStats,
  hangup,
  events: () => progress.events,
  details: () => call && { ...call.details, state: call.state },
};
