// The browser side of publish.test.mjs, in plain JavaScript against docs/signaling.md (no SDK):
// WebSocket to /ws, hello, authenticate, join, then a sendonly RTCPeerConnection offered with
// `publish`. Every step is written to `progress` so that a test that times out can say where
// the page stopped.

const progress = { steps: [], received: [], connectionState: 'none', iceConnectionState: 'none' };
const startedAt = performance.now();

function step(text) {
  progress.steps.push(`${((performance.now() - startedAt) / 1000).toFixed(2)}s ${text}`);
  console.log(`step: ${text}`);
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

  // The first event, past or future, for which `matches` is true; rejects when `fails` is true
  // for an event, or the connection closes.
  waitForEvent(matches, fails = () => false) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const failed = this.events.find(fails);
        const found = this.events.find(matches);
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

function waitForConnected(pc) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pc.connectionState === 'connected') resolve();
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        reject(new Error(`publish RTCPeerConnection ${pc.connectionState}`));
      } else return;
      pc.removeEventListener('connectionstatechange', check);
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

let signaling;
let pc;

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
  const joined = await signaling.request('join', { room, kind: 'group', name });
  step(`joined ${room} as ${joined.participant_id}`);
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 320, height: 240, frameRate: 15 },
  });
  step(`getUserMedia: ${stream.getTracks().map((track) => track.kind).join(', ')}`);

  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  pc.addEventListener('connectionstatechange', () => {
    progress.connectionState = pc.connectionState;
    step(`connectionState ${pc.connectionState}`);
  });
  pc.addEventListener('iceconnectionstatechange', () => {
    progress.iceConnectionState = pc.iceConnectionState;
  });
  for (const track of stream.getTracks()) {
    pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
  }
  // The server is ICE-lite: it learns the browser's address from its connectivity checks, so
  // the offer goes at once, without waiting for candidate gathering.
  await pc.setLocalDescription(await pc.createOffer());
  step('offer created');
  const published = await signaling.request('publish', { sdp: pc.localDescription.sdp });
  const tracks = published.tracks.map((track) => `${track.track_id} ${track.kind}`);
  step(`publish answered: tracks ${tracks.join(', ')}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: published.sdp });
  step('answer set');

  const serverConnected = signaling.waitForEvent(
    (e) => e.type === 'transport_state' && e.transport === 'publish' && e.state === 'connected',
    (e) => e.type === 'transport_state' && e.transport === 'publish' && e.state === 'failed',
  );
  await Promise.all([waitForConnected(pc), serverConnected]);
  // RTCDtlsTransport (WebRTC 1.0 §5.5): the handshake finished and the SRTP keys are derived.
  const dtlsState = pc.getSenders()[0].transport?.state;
  step(`publish transport connected (browser and server), DTLS ${dtlsState}`);
  return {
    participantId: joined.participant_id,
    tracks: published.tracks,
    answer: published.sdp,
    dtlsState,
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

function close() {
  pc?.close();
  signaling?.close();
}

window.chorusTest = { progress, authenticate, publish, outboundPackets, close };
