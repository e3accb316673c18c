// The browser side of the SDK case tests (sdk-mute, sdk-reconnect, sdk-codecs, sdk-errors,
// sdk-drain, sdk-cluster): a page that uses the SDK served by chorusd (/sdk/chorus.js) as an
// application would, driven through window.sdkCall. It records the SDK's events, reports each
// remote participant's receive statistics from getStats(), and counts the WebSockets the page
// opens (to drop one, or to show that none was opened).
import { ChorusClient } from '/sdk/chorus.js';

const progress = { steps: [], events: [], error: null };
const startedAt = performance.now();

function step(text) {
  progress.steps.push(`${((performance.now() - startedAt) / 1000).toFixed(2)}s ${text}`);
  console.log(`step: ${text}`);
}

// Every WebSocket the page (that is, the SDK) opens, in order. The SDK keeps its socket private;
// a page can still see the sockets it creates, as any script wrapping WebSocket could.
const sockets = [];
window.WebSocket = class RecordingWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    sockets.push(this);
    step(`WebSocket ${sockets.length} opened to ${args[0]}`);
  }
};

const plainError = (error) => ({ code: error?.code ?? null, message: String(error?.message) });

let client;
let call;

// Starts a client and places a call in `room` (`kind` group or conference) with the small fake
// camera and the microphone; resolves to {participantId} once the call is established, or to
// {error, endCause} if it ends first.
function join({ room, name, token, kind = 'group', preferredVideoCodec }) {
  client = new ChorusClient({ url: location.origin, userId: name, token });
  client.setSupportActiveConnection(true);
  return new Promise((resolve) => {
    client.start().then(() => {
      step('client started');
      const callClient = client.getCallClient();
      const options = {
        name,
        videoConstraints: { width: 320, height: 240, frameRate: 15 },
        preferredVideoCodec,
      };
      call = kind === 'conference' ? callClient.callConference(room, options)
        : callClient.callGroup(room, options);
      call.addEventListener(listener(resolve));
    }, (error) => resolve({ error: plainError(error), endCause: null }));
  });
}

function listener(resolve) {
  const record = (event) => progress.events.push({ at: Date.now(), ...event });
  return {
    onCallProgressing: () => step(`progressing as ${call.participantId}`),
    onCallEstablished: () => {
      step('established');
      resolve({ participantId: call.participantId });
    },
    onCallEnded: (ended) => {
      step(`ended: ${ended.details.endCause} ${ended.error?.code ?? ''}`);
      record({ type: 'ended', endCause: ended.details.endCause });
      resolve({ error: plainError(ended.error), endCause: ended.details.endCause });
    },
    onGroupRemoteCallAdded: (remote) => {
      record({ type: 'added', participantId: remote.participantId });
      step(`remote added: ${remote.participantId} (${remote.name})`);
      // Chromium decodes received audio only as fast as an output pulls it.
      const audio = new Audio();
      audio.srcObject = remote.incomingStream;
      audio.play().catch((error) => step(`playing failed: ${error.message}`));
    },
    onGroupRemoteCallRemoved: (remote) => {
      record({ type: 'removed', participantId: remote.participantId });
      step(`remote removed: ${remote.participantId}`);
    },
    onRemoteMuteChanged: (remote, change) => {
      record({ type: 'mute', participantId: remote.participantId, ...change,
        videoMuted: remote.videoMuted, audioMuted: remote.audioMuted });
      step(`remote ${remote.participantId} ${change.kind} muted=${change.muted} by ${change.by}`);
    },
    onCallMoving: (_, move) => {
      record({ type: 'moving', url: move.url, deadline: move.deadline.getTime() });
      step(`moving off a draining server (to ${move.url ?? 'the client URL'})`);
    },
    onCallMoved: () => {
      record({ type: 'moved', participantId: call.participantId });
      step(`moved: now ${call.participantId}`);
    },
    onLocalMuteChanged: (change) => {
      record({ type: 'localMute', ...change, isAudioMuted: call.isAudioMuted,
        isVideoMuted: call.isVideoMuted });
      step(`own ${change.kind} muted=${change.muted} by ${change.by}`);
    },
  };
}

// Per remote participant: its inbound video and audio statistics (with the codec's mimeType)
// and the state of its received tracks.
async function remoteStats() {
  const result = [];
  for (const remote of call?.remoteCalls ?? []) {
    const entry = { participantId: remote.participantId, videoMuted: remote.videoMuted,
      audioMuted: remote.audioMuted };
    const stats = await remote.getStats();
    for (const report of stats.values()) {
      if (report.type !== 'inbound-rtp') continue;
      const codec = stats.get(report.codecId)?.mimeType ?? null;
      if (report.kind === 'video') {
        entry.video = { framesDecoded: report.framesDecoded, packetsLost: report.packetsLost,
          freezeCount: report.freezeCount, pliCount: report.pliCount, codec };
      } else {
        entry.audio = { totalSamplesReceived: report.totalSamplesReceived,
          totalAudioEnergy: report.totalAudioEnergy, packetsLost: report.packetsLost, codec };
      }
    }
    const track = remote.incomingStream?.getVideoTracks()[0];
    entry.videoTrack = track ? { muted: track.muted, readyState: track.readyState } : null;
    result.push(entry);
  }
  return result;
}

// The ICE username fragments each transport uses now (they change with an ICE restart).
async function iceFragments() {
  const fragments = {};
  const stats = await call.getStats();
  for (const [transport, report] of Object.entries(stats)) {
    for (const entry of report?.values() ?? []) {
      if (entry.type === 'transport') fragments[transport] = entry.iceLocalUsernameFragment;
    }
  }
  return fragments;
}

// Closes the SDK's current WebSocket from the page, as a network drop would end it.
function dropSocket() {
  const socket = sockets.findLast((s) => s.readyState === WebSocket.OPEN);
  if (!socket) throw new Error('no open WebSocket');
  step(`dropping WebSocket ${sockets.indexOf(socket) + 1}`);
  socket.close(4000, 'e2e drop');
  return sockets.length;
}

// Places a call in `room` on a started client without a token for it: the SDK checks the room
// id before anything is sent. Returns the error it throws, or null.
async function tryRoom({ room, name, token }) {
  const probe = new ChorusClient({ url: location.origin, userId: name, token });
  await probe.start();
  const before = sockets.length;
  try {
    probe.getCallClient().callGroup(room);
    return { error: null, socketsOpened: sockets.length - before };
  } catch (error) {
    return { error: plainError(error), socketsOpened: sockets.length - before };
  }
}

// Starts a client with `token`: resolves to the error start() rejects with and the one
// onClientFailed reported, or nulls.
async function tryStart({ name, token }) {
  const probe = new ChorusClient({ url: location.origin, userId: name, token });
  let reported = null;
  probe.addEventListener({ onClientFailed: (_, error) => { reported = plainError(error); } });
  try {
    await probe.start();
    return { error: null, reported };
  } catch (error) {
    return { error: plainError(error), reported };
  }
}

window.sdkCall = {
  progress,
  join,
  remoteStats,
  iceFragments,
  dropSocket,
  tryRoom,
  tryStart,
  events: () => progress.events,
  socketStates: () => sockets.map((s) => s.readyState),
  muteVideo: () => call.muteVideo().then(() => call.isVideoMuted),
  unmuteVideo: () => call.unmuteVideo().then(() => call.isVideoMuted),
  muteAudio: () => call.muteAudio().then(() => call.isAudioMuted),
  restartIce: () => call.restartIce().then(() => call.error && plainError(call.error)),
  hangup: () => {
    call?.hangup();
    client?.stop();
    return call?.details.endCause ?? null;
  },
  details: () => call && { ...call.details, state: call.state,
    error: call.error && plainError(call.error) },
};
