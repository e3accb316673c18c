// The Janus API (WebSocket subprotocol "janus-protocol") and the VideoRoom plugin as a browser
// page speaks them, for check.mjs: a publisher, and a subscriber whose one PeerConnection
// receives every feed of the room (Janus 1.1 multistream). Every message sent and received is
// kept in `transcript`, which README.md's examples come from.
/* global RTCPeerConnection */

const kKeepaliveMs = 25_000; // Janus drops a session silent for session_timeout (60 s)
const kReplyTimeoutMs = 10_000;

/** @type {{ t: number, page: string, dir: 'sent' | 'received', message: object }[]} */
const transcript = [];
const start = performance.now();

function randomTransaction() {
  return Math.random().toString(36).slice(2, 14);
}

// One Janus session over one WebSocket: requests matched to replies by transaction, events for
// a handle (`sender`) queued for that handle.
class JanusSession {
  static async connect(url, name) {
    const socket = new WebSocket(url, 'janus-protocol');
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`no WebSocket to ${url}`));
    });
    const session = new JanusSession(socket, name);
    const created = await session.request({ janus: 'create' });
    session.id = created.data.id;
    session.keepalive = setInterval(() => session.request({ janus: 'keepalive' }, true), kKeepaliveMs);
    return session;
  }

  constructor(socket, name) {
    this.socket = socket;
    this.name = name;
    this.id = 0;
    this.pending = new Map();
    this.handles = new Map();
    socket.onmessage = (event) => this.onMessage(JSON.parse(event.data));
  }

  record(dir, message) {
    transcript.push({ t: Math.round(performance.now() - start), page: this.name, dir, message });
  }

  // Sends `message` with a new transaction (and the session id, once there is one). Resolves
  // with the first reply that is not an "ack" (a plugin's answer comes as an "event" after the
  // ack), or with the ack itself when `ackIsReply` (keepalive, trickle).
  request(message, ackIsReply = false) {
    const transaction = randomTransaction();
    const full = { ...message, transaction };
    if (this.id && full.janus !== 'create') full.session_id = this.id;
    this.record('sent', full);
    this.socket.send(JSON.stringify(full));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reply to ${JSON.stringify(message).slice(0, 200)}`)),
        kReplyTimeoutMs,
      );
      this.pending.set(transaction, { resolve, reject, timer, ackIsReply });
    });
  }

  onMessage(message) {
    this.record('received', message);
    const pending = this.pending.get(message.transaction);
    if (pending && (message.janus !== 'ack' || pending.ackIsReply)) {
      this.pending.delete(message.transaction);
      clearTimeout(pending.timer);
      pending.resolve(message);
      return;
    }
    if (pending) return; // the ack before a plugin's event
    const handle = this.handles.get(message.sender);
    if (handle) handle.push(message);
  }

  async attach() {
    const reply = await this.request({ janus: 'attach', plugin: 'janus.plugin.videoroom' });
    const handle = new JanusHandle(this, reply.data.id);
    this.handles.set(handle.id, handle);
    return handle;
  }

  async destroy() {
    clearInterval(this.keepalive);
    await this.request({ janus: 'destroy' });
    this.socket.close();
  }
}

// One plugin handle: plugin requests, trickled candidates, and the events Janus sends it
// unasked (webrtcup, media, publishers, updated offers, hangup).
class JanusHandle {
  constructor(session, id) {
    this.session = session;
    this.id = id;
    this.events = [];
    this.waiters = [];
  }

  push(message) {
    this.events.push(message);
    for (const waiter of [...this.waiters]) waiter();
  }

  // The first queued event matching `predicate` (removed from the queue), waiting for it.
  next(predicate, what, timeoutMs = kReplyTimeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.events.findIndex(predicate);
        if (index < 0) return;
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        clearTimeout(timer);
        resolve(this.events.splice(index, 1)[0]);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error(`${this.session.name}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  // A VideoRoom request; resolves with the plugin's data (and the JSEP, if any), throws on a
  // Janus or plugin error.
  async message(body, jsep) {
    const reply = await this.session.request({
      janus: 'message', handle_id: this.id, body, ...(jsep ? { jsep } : {}),
    });
    if (reply.janus === 'error') throw new Error(`Janus error ${reply.error.code}: ${reply.error.reason}`);
    const data = reply.plugindata.data;
    if (data.error_code) throw new Error(`VideoRoom error ${data.error_code}: ${data.error}`);
    return { data, jsep: reply.jsep };
  }

  trickle(candidate) {
    const body = candidate
      ? { candidate: { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } }
      : { candidate: { completed: true } };
    return this.session.request({ janus: 'trickle', handle_id: this.id, ...body }, true);
  }

  async detach() {
    await this.session.request({ janus: 'detach', handle_id: this.id });
    this.session.handles.delete(this.id);
  }
}

function trickleFrom(pc, handle) {
  pc.onicecandidate = ({ candidate }) => {
    handle.trickle(candidate && candidate.candidate ? candidate : null);
  };
}

// Joins `room` as a publisher named `display` and publishes the fake camera and microphone.
// Returns the feed id. The offer goes out before gathering ends; candidates are trickled.
async function publish(url, room, display) {
  const session = await JanusSession.connect(url, display);
  const handle = await session.attach();
  const joined = await handle.message({ request: 'join', ptype: 'publisher', room, display });
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  trickleFrom(pc, handle);
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const configured = await handle.message({ request: 'configure', audio: true, video: true }, { type: offer.type, sdp: offer.sdp });
  await pc.setRemoteDescription(configured.jsep);
  await handle.next((m) => m.janus === 'webrtcup', 'webrtcup');
  globalThis.publisher = { session, handle, pc, feed: joined.data.id };
  return { feed: joined.data.id, privateId: joined.data.private_id };
}

// Joins `room` without publishing, to learn its feeds (the `publishers` of "joined" and of later
// events), and subscribes to them all on one subscriber handle and one PeerConnection, adding
// feeds with "subscribe" (an "updated" offer) as they appear.
async function subscribeAll(url, room, display, wantedFeeds) {
  const session = await JanusSession.connect(url, display);
  const watcher = await session.attach();
  const joined = await watcher.message({ request: 'join', ptype: 'publisher', room, display });
  const feeds = new Set(joined.data.publishers.map((p) => p.id));
  while (feeds.size < wantedFeeds) {
    const event = await watcher.next((m) => m.plugindata?.data?.publishers, 'publishers event', 30_000);
    for (const p of event.plugindata.data.publishers) feeds.add(p.id);
  }
  const [first, ...rest] = [...feeds];
  const handle = await session.attach();
  const pc = new RTCPeerConnection();
  const tracks = [];
  pc.ontrack = ({ track }) => tracks.push(track);
  trickleFrom(pc, handle);
  const answerTo = async (jsep) => {
    await pc.setRemoteDescription(jsep);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    return handle.message({ request: 'start' }, { type: answer.type, sdp: answer.sdp });
  };
  const attached = await handle.message({ request: 'join', ptype: 'subscriber', room, streams: [{ feed: first }] });
  await answerTo(attached.jsep);
  await handle.next((m) => m.janus === 'webrtcup', 'webrtcup');
  if (rest.length > 0) {
    // Janus answers "subscribe" with an "updated" event carrying a new offer for the same
    // PeerConnection: one m-line per stream, old ones kept.
    const updated = await handle.message({ request: 'subscribe', streams: rest.map((feed) => ({ feed })) });
    await answerTo(updated.jsep);
  }
  globalThis.subscriber = { session, watcher, handle, pc, tracks };
  return { feeds: [...feeds] };
}

// What getStats says: per inbound video stream its frames decoded, and the transport's ciphers.
async function statsOf(pc) {
  const report = await pc.getStats();
  const out = { inboundVideo: [], outboundVideo: [], transports: [] };
  for (const s of report.values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      out.inboundVideo.push({ mid: s.mid, ssrc: s.ssrc, framesDecoded: s.framesDecoded || 0, packetsReceived: s.packetsReceived });
    } else if (s.type === 'outbound-rtp' && s.kind === 'video') {
      out.outboundVideo.push({ ssrc: s.ssrc, framesEncoded: s.framesEncoded, packetsSent: s.packetsSent });
    } else if (s.type === 'transport') {
      out.transports.push({ dtlsState: s.dtlsState, dtlsRole: s.dtlsRole, tlsVersion: s.tlsVersion, dtlsCipher: s.dtlsCipher, srtpCipher: s.srtpCipher });
    } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
      const local = report.get(s.localCandidateId);
      const remote = report.get(s.remoteCandidateId);
      out.pair = `${local?.address}:${local?.port} -> ${remote?.address}:${remote?.port} (${remote?.candidateType})`;
    }
  }
  return out;
}

// Leaves and detaches everything: what a client does before it goes.
async function leave() {
  for (const side of [globalThis.subscriber, globalThis.publisher]) {
    if (!side) continue;
    if (side.watcher) {
      await side.handle.message({ request: 'leave' });
      await side.handle.detach();
      await side.watcher.message({ request: 'leave' });
      await side.watcher.detach();
    } else {
      await side.handle.message({ request: 'leave' });
      await side.handle.detach();
    }
    side.pc.close();
    await side.session.destroy();
  }
}

// The errors a client must handle, provoked on purpose: a room that does not exist (a
// VideoRoom error in plugindata) and a handle that does not exist (a Janus API error).
async function provokeErrors(url) {
  const session = await JanusSession.connect(url, 'errors');
  await session.request({ janus: 'keepalive' }, true); // what the 25 s timer sends
  const handle = await session.attach();
  const errors = {};
  try {
    await handle.message({ request: 'join', ptype: 'publisher', room: 424242 });
  } catch (error) {
    errors.noSuchRoom = error.message;
  }
  const reply = await session.request({ janus: 'message', handle_id: 1, body: { request: 'leave' } });
  errors.noSuchHandle = `Janus error ${reply.error.code}: ${reply.error.reason}`;
  await handle.detach();
  await session.destroy();
  return errors;
}

Object.assign(globalThis, { transcript, publish, subscribeAll, statsOf, leave, provokeErrors });
