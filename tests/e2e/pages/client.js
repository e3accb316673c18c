// The browser side of the e2e tests, in plain JavaScript against docs/signaling.md (no SDK):
// WebSocket to /ws, hello, authenticate, join; a sendonly publish RTCPeerConnection offered with
// `publish`, and a recvonly subscribe RTCPeerConnection that answers the server's
// `subscribe_offer`s (one at a time, or all as they come); leave and ICE restarts of either
// transport; what the subscribe transport receives and decodes, from getStats. Every step is
// written to `progress` so that a test that times out can say where the page stopped.

const progress = {
  steps: [],
  // When some steps first happened, in ms since the page started: `join` (the request sent),
  // `subscribe_offer` (the first received), `subscribe connected`, `publish connected`.
  marks: {},
  received: [],
  transports: {
    publish: { connectionState: 'none', iceConnectionState: 'none' },
    subscribe: { connectionState: 'none', iceConnectionState: 'none' },
  },
};
const startedAt = performance.now();

function step(text) {
  progress.steps.push(`${((performance.now() - startedAt) / 1000).toFixed(2)}s ${text}`);
  console.log(`step: ${text}`);
}

function mark(name) {
  progress.marks[name] ??= Math.round(performance.now() - startedAt);
}

// One WebSocket connection speaking the request/reply envelope and collecting events.
class Signaling {
  #socket;
  #nextId = 1;
  #pending = new Map();
  #eventWaiters = new Set();
  #closed = null;

  static connect(url) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const signaling = new Signaling(socket);
      signaling.onHello = (hello) => resolve({ signaling, hello });
      socket.addEventListener('close', (event) =>
        reject(new Error(`WebSocket closed before hello (code ${event.code})`)),
      );
    });
  }

  constructor(socket) {
    this.#socket = socket;
    this.events = [];
    socket.addEventListener('message', (event) => this.#onMessage(event.data));
    socket.addEventListener('close', (event) => {
      const reason = event.reason ? `, ${event.reason}` : '';
      this.#closed = `WebSocket closed (code ${event.code}${reason})`;
      step(this.#closed);
      for (const { reject } of this.#pending.values()) reject(new Error(this.#closed));
      this.#pending.clear();
      for (const waiter of [...this.#eventWaiters]) waiter();
    });
  }

  close() {
    this.#socket.close();
  }

  // The request's `result`; rejects with an Error whose `code` is the server's error code.
  request(type, fields = {}) {
    if (this.#closed) return Promise.reject(new Error(this.#closed));
    const id = this.#nextId++;
    this.#socket.send(JSON.stringify({ type, id, ...fields }));
    return new Promise((resolve, reject) => this.#pending.set(id, { type, resolve, reject }));
  }

  // The first event from index `since` of `events` on, past or future, for which `matches` is
  // true; rejects when `fails` is true for such an event, or the connection closes.
  waitForEvent(matches, fails = () => false, since = 0) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const recent = this.events.slice(since);
        const failed = recent.find(fails);
        const found = recent.find(matches);
        if (failed) reject(new Error(`server sent ${JSON.stringify(failed)}`));
        else if (found) resolve(found);
        else if (this.#closed) reject(new Error(this.#closed));
        else return;
        this.#eventWaiters.delete(check);
      };
      this.#eventWaiters.add(check);
      check();
    });
  }

  #onMessage(text) {
    const message = JSON.parse(text);
    // SDP is long and says little in a progress report.
    progress.received.push(text.length > 300 ? `${text.slice(0, 300)}…` : text);
    if (message.type === 'hello') {
      this.onHello?.(message);
    } else if ('id' in message) {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) {
        const { code, message: text } = message.error;
        const error = new Error(`${pending.type} refused: ${code}: ${text}`);
        error.code = code;
        pending.reject(error);
      } else {
        pending.resolve(message.result);
      }
    } else {
      this.events.push(message);
      for (const waiter of [...this.#eventWaiters]) waiter();
    }
  }
}

// Resolves when `pc` is connected; rejects if it fails or closes first.
function waitForConnected(pc, transport) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pc.connectionState === 'connected') resolve();
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        reject(new Error(`${transport} RTCPeerConnection ${pc.connectionState}`));
      } else return;
      pc.removeEventListener('connectionstatechange', check);
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

// Plays a received audio track: Chromium decodes received audio only as fast as an output pulls
// it, and only then measures its level (inbound-rtp audioLevel, totalAudioEnergy).
function play(track) {
  const audio = new Audio();
  audio.srcObject = new MediaStream([track]);
  audio.play().catch((error) => step(`playing ${track.id} failed: ${error.message}`));
}

// A bundled, rtcp-muxed RTCPeerConnection whose states are kept in `progress.transports`.
function newPeerConnection(transport) {
  const connection = new RTCPeerConnection({
    bundlePolicy: 'max-bundle',
    rtcpMuxPolicy: 'require',
  });
  const state = progress.transports[transport];
  connection.addEventListener('connectionstatechange', () => {
    state.connectionState = connection.connectionState;
    step(`${transport} connectionState ${connection.connectionState}`);
    if (connection.connectionState === 'connected') mark(`${transport} connected`);
  });
  connection.addEventListener('iceconnectionstatechange', () => {
    state.iceConnectionState = connection.iceConnectionState;
  });
  return connection;
}

function iceUfrag(sdp) {
  return sdp.match(/^a=ice-ufrag:(\S+)/m)?.[1];
}

const isTransportState = (transport, state) => (e) =>
  e.type === 'transport_state' && e.transport === transport && e.state === state;

// Resolves when both `connection` and the server (a `transport_state` event from index `since`
// of the events on) say `transport` is connected; rejects on `failed` from either.
function bothConnected(connection, transport, since) {
  return Promise.all([
    waitForConnected(connection, transport),
    signaling.waitForEvent(
      isTransportState(transport, 'connected'),
      isTransportState(transport, 'failed'),
      since,
    ),
  ]);
}

// The candidate pair `connection`'s ICE transport has selected, with its local candidate.
async function selectedPair(connection) {
  const stats = await connection.getStats();
  for (const report of stats.values()) {
    if (report.type !== 'transport' || !report.selectedCandidatePairId) continue;
    const pair = stats.get(report.selectedCandidatePairId);
    const local = pair && stats.get(pair.localCandidateId);
    return {
      state: pair?.state,
      responsesReceived: pair?.responsesReceived,
      localUfrag: local?.usernameFragment,
      selectedCandidatePairChanges: report.selectedCandidatePairChanges,
    };
  }
  return undefined;
}

// Resolves when `connection`'s selected candidate pair uses the local ICE credentials `ufrag`
// and has been answered: after an ICE restart (RFC 8445 §9), the server has accepted
// connectivity checks made with the new credentials. Polls getStats (there is no event for it).
async function waitForSelectedUfrag(connection, transport, ufrag) {
  for (;;) {
    const pair = await selectedPair(connection);
    progress.transports[transport].selectedPair = pair;
    if (pair?.localUfrag === ufrag && pair.state === 'succeeded' && pair.responsesReceived > 0) {
      return pair;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let signaling;
let participantId;
let pc;
let subscribePc;
// Every `ontrack` of the subscribe transport, in order.
const remoteTracks = [];
let lastSubscribeRevision = 0;

// Opens /ws on this page's origin and authenticates; resolves to the hello and the
// authenticate result.
async function authenticate({ token }) {
  step('connecting to /ws');
  const connected = await Signaling.connect(`ws://${location.host}/ws`);
  signaling = connected.signaling;
  step(`hello: protocol ${connected.hello.protocol}`);
  const result = await signaling.request('authenticate', { token });
  step(`authenticated as ${result.user}`);
  return { hello: connected.hello, authenticated: result };
}

// Joins `room` (a group) and publishes the fake camera and microphone on a sendonly publish
// transport; resolves when both the RTCPeerConnection and the server say it is connected.
async function publish({ room, name }) {
  mark('join');
  const joined = await signaling.request('join', { room, kind: 'group', name });
  participantId = joined.participant_id;
  step(`joined ${room} as ${participantId}`);
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 320, height: 240, frameRate: 15 },
  });
  step(`getUserMedia: ${stream.getTracks().map((track) => track.kind).join(', ')}`);

  pc = newPeerConnection('publish');
  for (const track of stream.getTracks()) {
    pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
  }
  // The server is ICE-lite: it learns the browser's address from its connectivity checks, so
  // the offer goes at once, without waiting for candidate gathering.
  await pc.setLocalDescription(await pc.createOffer());
  step('offer created');
  const since = signaling.events.length;
  const published = await signaling.request('publish', { sdp: pc.localDescription.sdp });
  const tracks = published.tracks.map((track) => `${track.track_id} ${track.kind}`);
  step(`publish answered: tracks ${tracks.join(', ')}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: published.sdp });
  step('answer set');

  await bothConnected(pc, 'publish', since);
  // RTCDtlsTransport (WebRTC 1.0 §5.5): the handshake finished and the SRTP keys are derived.
  const dtlsState = pc.getSenders()[0].transport?.state;
  step(`publish transport connected (browser and server), DTLS ${dtlsState}`);
  return {
    participantId,
    participants: joined.participants,
    tracks: published.tracks,
    answer: published.sdp,
    dtlsState,
  };
}

// ICE restart of the publish transport (docs/signaling.md, `publish`): a re-offer with new ICE
// credentials on the same RTCPeerConnection. Resolves when the connection is connected and its
// selected candidate pair uses the new credentials.
async function restartPublishIce() {
  const previousAnswer = pc.remoteDescription.sdp;
  const previousOffer = pc.localDescription.sdp;
  pc.restartIce();
  await pc.setLocalDescription(await pc.createOffer());
  const offer = pc.localDescription.sdp;
  step(`ICE restart offer created: ufrag ${iceUfrag(previousOffer)} -> ${iceUfrag(offer)}`);
  const since = signaling.events.length;
  const published = await signaling.request('publish', { sdp: offer });
  step(`ICE restart answered: ufrag ${iceUfrag(previousAnswer)} -> ${iceUfrag(published.sdp)}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: published.sdp });
  await waitForConnected(pc, 'publish');
  const pair = await waitForSelectedUfrag(pc, 'publish', iceUfrag(offer));
  step('publish transport connected on the new ICE credentials');
  return {
    previousOffer,
    previousAnswer,
    offer,
    answer: published.sdp,
    connectionState: pc.connectionState,
    selectedPair: pair,
    eventsSince: signaling.events.slice(since),
  };
}

// Applies the next `subscribe_offer` (a revision above the last one answered) to the subscribe
// RTCPeerConnection, creating it for the first offer, and answers it. With `connected`, also
// waits until the browser and the server say the subscribe transport is connected.
async function answerSubscribeOffer({ connected = true } = {}) {
  const offer = await signaling.waitForEvent(
    (e) => e.type === 'subscribe_offer' && e.revision > lastSubscribeRevision,
  );
  step(`subscribe_offer revision ${offer.revision}${offer.new_transport ? ', new transport' : ''}`);
  mark('subscribe_offer');
  if (subscribePc && offer.new_transport) {
    throw new Error(`subscribe_offer ${offer.revision} asks for a new RTCPeerConnection`);
  }
  if (!subscribePc) {
    subscribePc = newPeerConnection('subscribe');
    subscribePc.addEventListener('track', (event) => {
      const track = {
        kind: event.track.kind,
        trackId: event.track.id,
        mid: event.transceiver.mid,
        streamIds: event.streams.map((stream) => stream.id),
      };
      remoteTracks.push(track);
      step(`ontrack: ${JSON.stringify(track)}`);
      if (event.track.kind === 'audio') play(event.track);
    });
  }
  await subscribePc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
  await subscribePc.setLocalDescription(await subscribePc.createAnswer());
  const answer = subscribePc.localDescription.sdp;
  step(`subscribe answer created for revision ${offer.revision}`);
  const since = signaling.events.length;
  // Past this revision whatever the server says: after `stale_answer` a newer offer follows.
  lastSubscribeRevision = offer.revision;
  const result = await signaling.request('subscribe_answer', {
    revision: offer.revision,
    sdp: answer,
  });
  step(`subscribe_answer ${offer.revision} accepted`);
  if (connected) {
    await bothConnected(subscribePc, 'subscribe', since);
    step('subscribe transport connected (browser and server)');
  }
  return {
    revision: offer.revision,
    offer: offer.sdp,
    answer,
    result,
    tracks: remoteTracks,
    connectionState: subscribePc.connectionState,
    dtlsState: subscribePc.getReceivers()[0]?.transport?.state,
  };
}

// Answers every `subscribe_offer`, now and as participants come and go, one after another, until
// the connection closes; returns at once. `progress.answering` counts the answers and keeps the
// error that stopped it; `stale_answer` does not (the next offer is on its way).
let answering;
function answerSubscribeOffers() {
  progress.answering ??= { answered: 0, lastRevision: 0, error: null };
  answering ??= (async () => {
    for (;;) {
      try {
        const { revision } = await answerSubscribeOffer({ connected: false });
        progress.answering.answered += 1;
        progress.answering.lastRevision = revision;
      } catch (error) {
        if (error.code === 'stale_answer') continue;
        progress.answering.error = error.message;
        step(`answering subscribe offers stopped: ${error.message}`);
        return;
      }
    }
  })();
  return progress.answering;
}

// Each inbound RTP stream of the subscribe transport (getStats `inbound-rtp`, WebRTC Statistics
// §7.4) with the participant it comes from: the stream id of the track its m-section delivered
// (the offer's msid). `sinceJoinMs` is the time since this page's `join`, if it joined.
async function inboundStats() {
  const now = performance.now() - startedAt;
  const sinceJoinMs = progress.marks.join === undefined ? undefined : now - progress.marks.join;
  if (!subscribePc) return { sinceJoinMs, streams: [] };
  const stats = await subscribePc.getStats();
  const directions = new Map(
    subscribePc.getTransceivers().map((t) => [t.mid, t.currentDirection]),
  );
  const streams = [];
  for (const report of stats.values()) {
    if (report.type !== 'inbound-rtp') continue;
    // The latest ontrack of the m-section: mids are not reused (docs/signaling.md).
    const track = remoteTracks.findLast((t) => t.mid === report.mid) ??
      remoteTracks.findLast((t) => t.trackId === report.trackIdentifier);
    const codec = report.codecId ? stats.get(report.codecId) : undefined;
    streams.push({
      participantId: track?.streamIds[0],
      kind: report.kind,
      mid: report.mid,
      trackId: track?.trackId ?? report.trackIdentifier,
      direction: directions.get(report.mid),
      ssrc: report.ssrc,
      codec: codec && `${codec.mimeType}/${codec.payloadType}`,
      packetsReceived: report.packetsReceived,
      packetsLost: report.packetsLost,
      bytesReceived: report.bytesReceived,
      nackCount: report.nackCount,
      ...(report.kind === 'video'
        ? {
            framesReceived: report.framesReceived,
            framesDecoded: report.framesDecoded,
            keyFramesDecoded: report.keyFramesDecoded,
            framesDropped: report.framesDropped,
            freezeCount: report.freezeCount,
            pliCount: report.pliCount,
            firCount: report.firCount,
            decoder: report.decoderImplementation,
          }
        : {
            audioLevel: report.audioLevel,
            totalAudioEnergy: report.totalAudioEnergy,
            totalSamplesReceived: report.totalSamplesReceived,
            concealedSamples: report.concealedSamples,
          }),
    });
  }
  return { sinceJoinMs, streams };
}

// `restart_ice` on the subscribe transport, then the offer with new ICE credentials that follows
// it, applied to the same RTCPeerConnection. Resolves when the connection is connected and its
// selected candidate pair uses the new credentials.
async function restartSubscribeIce() {
  const previousOffer = subscribePc.remoteDescription.sdp;
  const previousAnswer = subscribePc.localDescription.sdp;
  const result = await signaling.request('restart_ice', { transport: 'subscribe' });
  step('restart_ice accepted');
  const answered = await answerSubscribeOffer({ connected: false });
  await waitForConnected(subscribePc, 'subscribe');
  const pair = await waitForSelectedUfrag(subscribePc, 'subscribe', iceUfrag(answered.answer));
  step('subscribe transport connected on the new ICE credentials');
  return {
    result,
    previousOffer,
    previousAnswer,
    ...answered,
    connectionState: subscribePc.connectionState,
    selectedPair: pair,
  };
}

// Leaves the room (`leave`); the publish RTCPeerConnection is closed with it.
async function leave() {
  const result = await signaling.request('leave');
  step('left the room');
  pc?.close();
  subscribePc?.close();
  return result;
}

// The first event from index `since` on whose fields include `fields` (compared deeply).
function waitForEvent({ fields, since = 0 }) {
  const includes = (value, wanted) =>
    typeof wanted === 'object' && wanted !== null
      ? typeof value === 'object' &&
        value !== null &&
        Object.entries(wanted).every(([key, part]) => includes(value[key], part))
      : value === wanted;
  return signaling.waitForEvent((e) => includes(e, fields), () => false, since);
}

// The events received so far, and how many.
function events() {
  return signaling.events;
}

// The connection states of both RTCPeerConnections, and the `transport_state` events.
function transportStates() {
  return {
    publish: pc?.connectionState,
    subscribe: subscribePc?.connectionState,
    events: signaling.events.filter((e) => e.type === 'transport_state'),
  };
}

// packetsSent of each outbound-rtp stream, by kind ({audio, video}).
async function outboundPackets() {
  const sent = {};
  if (!pc) return sent;
  for (const report of (await pc.getStats()).values()) {
    if (report.type === 'outbound-rtp') {
      sent[report.kind] = (sent[report.kind] ?? 0) + report.packetsSent;
    }
  }
  return sent;
}

// The publish transport's video outbound-rtp stream: what the encoder makes of the camera and
// how many keyframe requests (PLI, FIR) the server sent it.
async function outboundVideo() {
  if (!pc) return undefined;
  for (const report of (await pc.getStats()).values()) {
    if (report.type === 'outbound-rtp' && report.kind === 'video') {
      return {
        framesEncoded: report.framesEncoded,
        keyFramesEncoded: report.keyFramesEncoded,
        framesPerSecond: report.framesPerSecond,
        targetBitrate: report.targetBitrate,
        qualityLimitationReason: report.qualityLimitationReason,
        pliCount: report.pliCount,
        firCount: report.firCount,
        nackCount: report.nackCount,
      };
    }
  }
  return undefined;
}

// What the publisher's send side knows from the server's RTCP: its video encoder's rate and
// target, the bandwidth estimate on the selected candidate pair (transport-cc feedback), and the
// remote-inbound-rtp reports built from the server's receiver reports.
async function sendSideStats() {
  if (!pc) return undefined;
  const stats = await pc.getStats();
  const result = { remoteInbound: [] };
  let selectedPair;
  for (const report of stats.values()) {
    if (report.type === 'transport' && report.selectedCandidatePairId) {
      selectedPair = report.selectedCandidatePairId;
    }
  }
  for (const report of stats.values()) {
    if (report.type === 'outbound-rtp' && report.kind === 'video') {
      result.framesPerSecond = report.framesPerSecond;
      result.targetBitrate = report.targetBitrate;
      result.qualityLimitationReason = report.qualityLimitationReason;
      result.bytesSent = report.bytesSent;
      result.timestamp = report.timestamp;
    } else if (report.type === 'candidate-pair' &&
               (report.id === selectedPair || (!selectedPair && report.nominated))) {
      result.availableOutgoingBitrate = report.availableOutgoingBitrate;
    } else if (report.type === 'remote-inbound-rtp') {
      result.remoteInbound.push({
        kind: report.kind,
        fractionLost: report.fractionLost,
        roundTripTime: report.roundTripTime,
        jitter: report.jitter,
        packetsLost: report.packetsLost,
      });
    }
  }
  return result;
}

function close() {
  pc?.close();
  subscribePc?.close();
  signaling?.close();
}

window.chorusTest = {
  progress,
  authenticate,
  publish,
  restartPublishIce,
  answerSubscribeOffer,
  answerSubscribeOffers,
  restartSubscribeIce,
  leave,
  waitForEvent,
  events,
  transportStates,
  outboundPackets,
  inboundStats,
  outboundVideo,
  sendSideStats,
  close,
};
