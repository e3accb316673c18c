// Chorus browser SDK: calls in Chorus rooms from a web page, over the WebSocket protocol of
// docs/signaling.md. A dependency-free ES module; docs/sdk.md is its reference.
//
//   const client = new ChorusClient({ url: location.origin, userId: 'alice', token });
//   await client.start();
//   const call = client.getCallClient().callGroup('standup');
//   call.addEventListener({ onGroupRemoteCallAdded: (remote) => show(remote.incomingStream) });
//
// Each call has its own WebSocket connection (a connection is in one room at a time) and two
// RTCPeerConnections: `publish` sends the local camera and microphone, `subscribe` receives the
// others (docs/signaling.md, "Two transports per participant").

/** The protocol version this SDK speaks (docs/signaling.md, "Hello"). */
export const kProtocolVersion = 1;
/** The longest room id, in Unicode code points (docs/signaling.md, "Model"). */
export const kMaxRoomIdLength = 64;
// rooms.resume_window_seconds' default, for a server whose hello does not announce the window.
// The SDK keeps trying to resume that long after a drop; `resume_failed` ends it sooner.
const kDefaultResumeWindowMs = 15_000;
const kResumeRetryDelaysMs = [0, 250, 500, 1000, 2000];
// How long a transport may stay `disconnected` before the SDK restarts ICE on it.
const kDisconnectedGraceMs = 2_000;
// A join refused with `server_draining` is tried again after these delays (the last repeating,
// each with some jitter so that a drained server's clients do not come back all at once), until
// the drain's deadline, or for drain.deadline_seconds' default when no deadline was announced.
const kDrainRetryDelaysMs = [250, 500, 1000, 2000];
const kDefaultDrainMs = 60_000;
// How many `room_elsewhere` redirects a join follows (docs/signaling.md, "Several nodes"): one
// is the rule; more only while the nodes' views of each other settle.
const kMaxRoomRedirects = 3;

/**
 * An error from the server (its stable `code`, docs/signaling.md "Error codes") or from the SDK
 * itself (`room_id_too_long`, `room_id_invalid`, `connection_failed`, `connection_lost`,
 * `protocol_unsupported`, `media_failed`, `transport_failed`, `resume_failed`).
 */
export class ChorusError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {Record<string, any>} [details] what the server's error carried besides its code
   *   (`room_elsewhere`: `{url}`)
   */
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'ChorusError';
    /** @type {string} */
    this.code = code;
    /** @type {Record<string, any>} */
    this.details = details;
  }
}

/**
 * @typedef {object} TokenRequest
 * @property {string} userId the client's `userId`
 * @property {string} [roomId] the room the token is for; absent for `start()`
 */

/**
 * @typedef {object} ChorusClientOptions
 * @property {string} [url] the server: `https://host[:port]` (or `http://` on localhost), or the
 *   WebSocket URL itself (`wss://host/ws`); default: the page's origin
 * @property {string} userId the user id the tokens are for (the token's `sub`)
 * @property {string} [token] an access token (docs/signaling.md, "Access tokens")
 * @property {(request: TokenRequest) => string | Promise<string>} [tokenProvider] called for a
 *   token whenever one is needed (at `start()` and for each call's connection); use it instead
 *   of `token` when tokens expire or are per room
 * @property {RTCIceServer[]} [iceServers] STUN and TURN servers for every call's
 *   RTCPeerConnections (`[{urls: 'turn:turn.example.com:3478', username, credential}]`), for
 *   networks that block UDP to the server and ICE-TCP too; default: none (Chorus is reachable
 *   directly)
 */

/**
 * @typedef {object} ClientListener
 * @property {(client: ChorusClient) => void} [onClientStarted]
 * @property {(client: ChorusClient, error: ChorusError) => void} [onClientFailed]
 */

/**
 * @typedef {object} CallOptions
 * @property {boolean} [audio] send the microphone (default: the call client's setting, true)
 * @property {boolean} [video] send the camera (default: the call client's setting, true)
 * @property {MediaTrackConstraints} [audioConstraints] getUserMedia audio constraints
 * @property {MediaTrackConstraints} [videoConstraints] getUserMedia video constraints
 * @property {string} [preferredVideoCodec] `VP8`, `VP9`, `H264` or `AV1`: asked for when this
 *   call is the room's first video publisher (the room's codec is fixed from then on)
 * @property {string} [name] the display name the others see (default: the user id)
 * @property {MediaStream} [localStream] send these tracks instead of calling getUserMedia
 */

/**
 * @typedef {object} CallDetails
 * @property {string} id this participant's id in the room (empty until joined)
 * @property {string} roomId
 * @property {string} serverUrl the WebSocket URL of the node the call is on: the client's
 *   `url`, or the node a `room_elsewhere` redirect named
 * @property {'conference' | 'group'} kind
 * @property {Date} startedTime when the call was placed
 * @property {Date | null} progressingTime when the room was joined
 * @property {Date | null} establishedTime when media started to flow
 * @property {Date | null} endedTime
 * @property {EndCause | null} endCause
 * @property {ChorusError | null} error
 */

/**
 * Why a call ended: `hangup` (this side), `kicked` or `room_closed` (REST API), `failure`
 * (`call.error` says what), `connection_lost` (the connection could not be resumed in time).
 * @typedef {'hangup' | 'kicked' | 'room_closed' | 'failure' | 'connection_lost'} EndCause
 */

/**
 * A participant of the call's room, as the active speaker list names them.
 * @typedef {object} Speaker
 * @property {string} participantId
 * @property {string} name
 * @property {boolean} local true for this call's own participant
 * @property {RemoteCall | null} remoteCall the remote participant, or null for the local one
 */

/**
 * @typedef {object} MuteChange
 * @property {'audio' | 'video'} kind
 * @property {string} trackId
 * @property {boolean} muted
 * @property {'participant' | 'server'} by who muted it: the participant or the REST API
 */

/**
 * A mute of one of this call's own tracks by the application's backend (REST API).
 * @typedef {object} LocalMuteChange
 * @property {'audio' | 'video'} kind
 * @property {string} trackId
 * @property {boolean} muted
 * @property {'server'} by
 */

/**
 * The callbacks a call reports to; every one is optional.
 * @typedef {object} CallListener
 * @property {(call: Call) => void} [onCallProgressing] the room is joined
 * @property {(call: Call) => void} [onCallEstablished] the local media flows to the server
 * @property {(call: Call) => void} [onCallEnded] see `call.details.endCause` and `call.error`
 * @property {(stream: MediaStream, call: Call) => void} [onGroupLocalMediaAdded] the camera and
 *   microphone are ready (`call.outgoingStream`)
 * @property {(remoteCall: RemoteCall, call: Call) => void} [onGroupRemoteCallAdded] a remote
 *   participant's first media arrived (`remoteCall.incomingStream`)
 * @property {(remoteCall: RemoteCall, call: Call) => void} [onGroupRemoteCallRemoved] a remote
 *   participant left
 * @property {(speakers: Speaker[], call: Call) => void} [onActiveSpeakersChanged] who is
 *   speaking now, loudest first (empty when all are quiet)
 * @property {(remoteCall: RemoteCall, change: MuteChange, call: Call) => void}
 *   [onRemoteMuteChanged] a remote participant muted or unmuted a track
 * @property {(change: LocalMuteChange, call: Call) => void} [onLocalMuteChanged] the
 *   application's backend muted or unmuted this call's own track (the SDK has already stopped
 *   or resumed sending it)
 * @property {(call: Call, move: CallMove) => void} [onCallMoving] the call's server is
 *   draining: the SDK is moving the call to another server by itself
 * @property {(call: Call) => void} [onCallMoved] the call is in the room on the new server (its
 *   `participantId` is new); the remote calls come again as their media arrives
 */

/**
 * @typedef {object} WireTrack
 * @property {string} track_id
 * @property {string} [participant_id]
 * @property {string} kind
 * @property {boolean} muted
 */

/**
 * @typedef {object} WireParticipant
 * @property {string} participant_id
 * @property {string} user
 * @property {string | null} [name]
 * @property {WireTrack[]} tracks
 */

/**
 * @typedef {object} JoinResult
 * @property {string} participant_id
 * @property {string} resume_token
 * @property {{ id: string, kind: string, video_codec: string | null }} room
 * @property {WireParticipant[]} participants
 */

/** @typedef {Record<string, any>} Message */

/**
 * A call's options with the call client's defaults filled in.
 * @typedef {Required<Omit<CallOptions, 'preferredVideoCodec' | 'name' | 'localStream'>>
 *   & CallOptions} CallSettings
 */

/**
 * A request waiting for its reply.
 * @typedef {object} PendingRequest
 * @property {string} type
 * @property {(result: any) => void} resolve
 * @property {(error: ChorusError) => void} reject
 */

/**
 * How a call reaches the server: its client's connections (not part of the public API).
 * @typedef {object} Connector
 * @property {string} userId
 * @property {string} url the client's WebSocket URL
 * @property {RTCIceServer[]} iceServers
 * @property {(roomId: string, url: string) => Promise<Connection>} connect an authenticated
 *   connection to the node at `url`
 * @property {(url: string) => Promise<Connection>} open a connection not yet authenticated (for
 *   `resume`)
 */

/**
 * A call moving to another server because its server is draining (docs/sdk.md, "Server
 * drains").
 * @typedef {object} CallMove
 * @property {string | null} url the server the event named, or null: the client's own `url`
 * @property {Date} deadline when the draining server stops, by this browser's clock
 */

/**
 * A remote participant's state that its Call keeps up to date (not part of the public API).
 * @typedef {object} RemoteState
 * @property {Map<string, {kind: string, muted: boolean}>} tracks by track id
 * @property {RTCRtpReceiver[]} receivers
 */

/**
 * The room id rule the server applies (docs/signaling.md, "Model"), checked before anything is
 * sent: 1 to 64 code points (not UTF-16 units), no separators, controls, format characters or
 * `*`.
 * @param {string} roomId
 * @returns {ChorusError | null}
 */
export function checkRoomId(roomId) {
  if (typeof roomId !== 'string' || roomId.length === 0) {
    return new ChorusError('room_id_invalid', 'a room id is a non-empty string');
  }
  const length = [...roomId].length;
  if (length > kMaxRoomIdLength) {
    return new ChorusError('room_id_too_long',
      `room id has ${length} characters, at most ${kMaxRoomIdLength} are allowed`);
  }
  if (/[\p{Z}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}*]/u.test(roomId)) {
    return new ChorusError('room_id_invalid',
      'a room id has no spaces, control or format characters, or `*`');
  }
  return null;
}

/**
 * The WebSocket URL of a server given as `https://host`, `http://host`, `wss://host/ws` or
 * `ws://host/ws`.
 * @param {string} url
 * @returns {string}
 */
function webSocketUrl(url) {
  const parsed = new URL(url, globalThis.location?.href);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/ws';
  return parsed.toString();
}

/**
 * How long to wait before the next join after `attempt` refusals with `server_draining`.
 * @param {number} attempt
 * @returns {number} milliseconds
 */
function drainRetryDelay(attempt) {
  const delay = kDrainRetryDelaysMs[Math.min(attempt, kDrainRetryDelaysMs.length - 1)];
  return delay / 2 + (Math.random() * delay) / 2;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `name` on every listener that has it; a throwing listener does not stop the others.
 * @template {keyof (CallListener & ClientListener)} K
 * @param {Set<any>} listeners
 * @param {K} name
 * @param {any[]} args
 */
function notify(listeners, name, ...args) {
  for (const listener of [...listeners]) {
    try {
      listener[name]?.(...args);
    } catch (error) {
      console.error(`chorus: listener ${String(name)} threw`, error);
    }
  }
}

// One WebSocket speaking the envelope of docs/signaling.md: requests matched to replies by id,
// events passed on. It does not reconnect: a Call replaces it.
class Connection {
  /** @type {WebSocket} */
  #socket;
  #nextId = 1;
  /** @type {Map<number, PendingRequest>} */
  #pending = new Map();
  #closed = false;
  /** @type {(event: Message) => void} */
  onEvent = () => {};
  /** @type {(event: CloseEvent) => void} */
  onClose = () => {};
  /** How long the server keeps a dropped participant for a `resume` (from its hello). */
  resumeWindowMs = kDefaultResumeWindowMs;

  /**
   * Opens a connection and resolves once the server's hello has come.
   * @param {string} url
   * @returns {Promise<Connection>}
   */
  static open(url) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const connection = new Connection(socket);
      /** @param {Message} hello */
      connection.onHello = (hello) => {
        if (hello.protocol !== kProtocolVersion) {
          connection.close();
          reject(new ChorusError('protocol_unsupported',
            `the server speaks protocol ${hello.protocol}, this SDK ${kProtocolVersion}`));
        } else {
          if (Number.isFinite(hello.resume_window_seconds)) {
            connection.resumeWindowMs = hello.resume_window_seconds * 1000;
          }
          resolve(connection);
        }
      };
      connection.onClose = (event) => reject(new ChorusError('connection_failed',
        `cannot connect to ${url} (WebSocket close code ${event.code})`));
    });
  }

  /** @param {WebSocket} socket */
  constructor(socket) {
    this.#socket = socket;
    /** @type {(hello: Message) => void} */
    this.onHello = () => {};
    socket.addEventListener('message', (event) => this.#onMessage(String(event.data)));
    socket.addEventListener('close', (event) => {
      this.#closed = true;
      const error = new ChorusError('connection_lost',
        `connection closed (WebSocket close code ${event.code})`);
      for (const { reject } of this.#pending.values()) reject(error);
      this.#pending.clear();
      this.onClose(event);
    });
  }

  get isOpen() {
    return !this.#closed;
  }

  /**
   * Sends a request; resolves to its `result`, rejects with the server's error.
   * @param {string} type
   * @param {Message} [fields]
   * @returns {Promise<any>}
   */
  request(type, fields = {}) {
    if (this.#closed) {
      return Promise.reject(new ChorusError('connection_lost', 'the connection is closed'));
    }
    const id = this.#nextId++;
    this.#socket.send(JSON.stringify({ ...fields, type, id }));
    return new Promise((resolve, reject) => this.#pending.set(id, { type, resolve, reject }));
  }

  close() {
    this.onClose = () => {};
    this.onEvent = () => {};
    this.#socket.close();
  }

  /** @param {string} text */
  #onMessage(text) {
    /** @type {Message} */
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'hello') {
      this.onHello(message);
    } else if ('id' in message) {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) {
        const details = typeof message.error.details === 'object' && message.error.details !== null
          ? message.error.details : {};
        pending.reject(new ChorusError(String(message.error.code),
          `${pending.type}: ${message.error.message}`, details));
      } else {
        pending.resolve(message.result);
      }
    } else {
      this.onEvent(message);
    }
  }
}

/**
 * The entry point: who the user is, how to reach the server, and the call client.
 */
export class ChorusClient {
  /** @type {string} */
  #url;
  /** @type {ChorusClientOptions} */
  #options;
  #supportActiveConnection = false;
  /** @type {Connection | null} */
  #idleConnection = null;
  /** @type {Set<ClientListener>} */
  #listeners = new Set();
  /** @type {CallClient} */
  #callClient;
  #started = false;

  /** @param {ChorusClientOptions} options */
  constructor(options) {
    if (!options || typeof options.userId !== 'string' || options.userId === '') {
      throw new TypeError('ChorusClient needs a userId');
    }
    if (options.token === undefined && options.tokenProvider === undefined) {
      throw new TypeError('ChorusClient needs a token or a tokenProvider');
    }
    this.#options = options;
    this.#url = webSocketUrl(options.url ?? globalThis.location.origin);
    this.#callClient = new CallClient({
      userId: options.userId,
      url: this.#url,
      iceServers: options.iceServers ?? [],
      connect: (roomId, url) => this.#connect(roomId, url),
      open: (url) => Connection.open(url),
    });
  }

  /** The user id given to the constructor. */
  get userId() {
    return this.#options.userId;
  }

  /** True between a successful `start()` and `stop()`. */
  get isStarted() {
    return this.#started;
  }

  /**
   * With `true`, the connection `start()` opened stays open until the first call uses it, so
   * the call starts without a new handshake; without it `start()` closes it once the token is
   * proven. Call before `start()`.
   * @param {boolean} support
   */
  setSupportActiveConnection(support) {
    this.#supportActiveConnection = support;
  }

  /** @param {ClientListener} listener */
  addEventListener(listener) {
    this.#listeners.add(listener);
  }

  /** @param {ClientListener} listener */
  removeEventListener(listener) {
    this.#listeners.delete(listener);
  }

  /**
   * Connects and authenticates, proving the server is reachable and the token valid. Resolves
   * when started (and calls `onClientStarted`); rejects with a ChorusError (and calls
   * `onClientFailed`).
   * @returns {Promise<void>}
   */
  async start() {
    try {
      const connection = await this.#connect(undefined, this.#url);
      if (this.#supportActiveConnection) {
        this.#idleConnection = connection;
        connection.onClose = () => {
          if (this.#idleConnection === connection) this.#idleConnection = null;
        };
      } else {
        connection.close();
      }
      this.#started = true;
      notify(this.#listeners, 'onClientStarted', this);
    } catch (error) {
      const failure = toChorusError(error, 'connection_failed');
      notify(this.#listeners, 'onClientFailed', this, failure);
      throw failure;
    }
  }

  /** Hangs up every call and closes the connections. */
  stop() {
    this.#started = false;
    this.#idleConnection?.close();
    this.#idleConnection = null;
    for (const call of this.#callClient.calls) call.hangup();
  }

  /** @returns {CallClient} */
  getCallClient() {
    return this.#callClient;
  }

  /**
   * An authenticated connection to the node at `url` for a call in `roomId`: the idle one
   * `start()` kept (to the client's own URL), or a new one.
   * @param {string | undefined} roomId
   * @param {string} url
   * @returns {Promise<Connection>}
   */
  async #connect(roomId, url) {
    const idle = this.#idleConnection;
    if (idle && idle.isOpen && roomId !== undefined && this.#options.token !== undefined &&
        url === this.#url) {
      this.#idleConnection = null;
      return idle;
    }
    const token = await this.#token(roomId);
    const connection = await Connection.open(webSocketUrl(url));
    try {
      await connection.request('authenticate', { token });
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  /**
   * @param {string | undefined} roomId
   * @returns {Promise<string>}
   */
  async #token(roomId) {
    if (this.#options.tokenProvider) {
      /** @type {TokenRequest} */
      const request = { userId: this.#options.userId };
      if (roomId !== undefined) request.roomId = roomId;
      return this.#options.tokenProvider(request);
    }
    return /** @type {string} */ (this.#options.token);
  }
}

/**
 * @param {unknown} error
 * @param {string} code the code for an error that is not a ChorusError
 * @returns {ChorusError}
 */
function toChorusError(error, code) {
  if (error instanceof ChorusError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ChorusError(code, message);
}

/**
 * Places calls; `client.getCallClient()` returns the client's one call client. The media
 * settings apply to the calls placed after they are set.
 */
export class CallClient {
  #connector;
  #audio = true;
  #video = true;
  /** @type {MediaTrackConstraints} */
  #audioConstraints = {};
  /** @type {MediaTrackConstraints} */
  #videoConstraints = {};
  /** @type {string | undefined} */
  #preferredVideoCodec;
  /** @type {Set<Call>} */
  #calls = new Set();

  /**
   * Made by ChorusClient: use `client.getCallClient()`.
   * @param {Connector} connector
   */
  constructor(connector) {
    this.#connector = connector;
  }

  /**
   * Microphone selection and processing (e.g. `{ deviceId: { exact: id } }`), or `false` for
   * calls without audio.
   * @param {MediaTrackConstraints | boolean} constraints
   */
  setAudioConstraints(constraints) {
    this.#audio = constraints !== false;
    this.#audioConstraints = typeof constraints === 'object' ? constraints : {};
  }

  /**
   * Camera selection and format (e.g. `{ width: 640, height: 360, frameRate: 15 }`), or `false`
   * for audio-only calls.
   * @param {MediaTrackConstraints | boolean} constraints
   */
  setVideoConstraints(constraints) {
    this.#video = constraints !== false;
    this.#videoConstraints = typeof constraints === 'object' ? constraints : {};
  }

  /**
   * The video codec to ask for (`VP8`, `VP9`, `H264`, `AV1`) when a call is its room's first
   * video publisher; later publishers use the room's codec whatever they prefer.
   * @param {string | undefined} codec
   */
  setPreferredVideoCodec(codec) {
    this.#preferredVideoCodec = codec;
  }

  /**
   * Joins the conference room `roomId`: one call whose incoming stream holds every remote
   * track. Throws a ChorusError (`room_id_too_long`, `room_id_invalid`) before anything is sent
   * when the id is not a room id.
   * @param {string} roomId
   * @param {CallOptions} [options]
   * @returns {Call}
   */
  callConference(roomId, options = {}) {
    return this.#place('conference', roomId, options);
  }

  /**
   * Joins the group `groupId`: every other participant is a RemoteCall
   * (`onGroupRemoteCallAdded`, `onGroupRemoteCallRemoved`). Throws like `callConference`.
   * @param {string} groupId
   * @param {CallOptions} [options]
   * @returns {Call}
   */
  callGroup(groupId, options = {}) {
    return this.#place('group', groupId, options);
  }

  /** The calls not yet ended. */
  get calls() {
    return [...this.#calls];
  }

  /**
   * @param {'conference' | 'group'} kind
   * @param {string} roomId
   * @param {CallOptions} options
   * @returns {Call}
   */
  #place(kind, roomId, options) {
    const invalid = checkRoomId(roomId);
    if (invalid) throw invalid;
    /** @type {CallSettings} */
    const settings = {
      audio: options.audio ?? this.#audio,
      video: options.video ?? this.#video,
      audioConstraints: options.audioConstraints ?? this.#audioConstraints,
      videoConstraints: options.videoConstraints ?? this.#videoConstraints,
      preferredVideoCodec: options.preferredVideoCodec ?? this.#preferredVideoCodec,
      name: options.name,
      localStream: options.localStream,
    };
    const call = new Call(this.#connector, kind, roomId, settings, () => this.#calls.delete(call));
    this.#calls.add(call);
    return call;
  }
}

/**
 * Another participant of a call's room. In a group call each is reported by
 * `onGroupRemoteCallAdded`; in a conference they are listed in `call.remoteCalls` too.
 */
export class RemoteCall {
  #state;

  /**
   * Made by Call.
   * @param {string} participantId
   * @param {string} userId
   * @param {string} name
   * @param {RemoteState} state
   */
  constructor(participantId, userId, name, state) {
    this.#state = state;
    /** The participant's id in the room (server-chosen). */
    this.participantId = participantId;
    /** The participant's user id (its token's `sub`). */
    this.userId = userId;
    /** The display name the participant gave (or its user id). */
    this.name = name;
    /**
     * The participant's audio and video, once the first track arrived.
     * @type {MediaStream | null}
     */
    this.incomingStream = null;
  }

  /** True while the participant's audio is muted (or it publishes none). */
  get audioMuted() {
    return this.#kindMuted('audio');
  }

  /** True while the participant's video is muted (or it publishes none). */
  get videoMuted() {
    return this.#kindMuted('video');
  }

  /**
   * The receive statistics of this participant's tracks (inbound-rtp with framesDecoded,
   * totalSamplesReceived, packetsLost, ...), merged from its receivers.
   * @returns {Promise<Map<string, any>>}
   */
  async getStats() {
    /** @type {Map<string, any>} */
    const merged = new Map();
    for (const receiver of this.#state.receivers) {
      for (const [id, report] of await receiver.getStats()) merged.set(id, report);
    }
    return merged;
  }

  /** @param {string} kind */
  #kindMuted(kind) {
    const tracks = [...this.#state.tracks.values()].filter((track) => track.kind === kind);
    return tracks.every((track) => track.muted);
  }
}

/**
 * A call in one room, from `callConference` or `callGroup`.
 */
export class Call {
  #connector;
  #settings;
  #onEnded;
  /** @type {Set<CallListener>} */
  #listeners = new Set();
  /** @type {Connection | null} */
  #connection = null;
  /** @type {Promise<void> | null} while the connection is being resumed */
  #resuming = null;
  /** @type {Promise<void> | null} while the call moves off a draining server */
  #moving = null;
  // Counts the servers the call has left: what a superseded server's connection or transports
  // still report is ignored.
  #epoch = 0;
  #resumeToken = '';
  #resumeWindowMs = kDefaultResumeWindowMs;
  /** @type {RTCPeerConnection | null} */
  #publishPc = null;
  /** @type {RTCPeerConnection | null} */
  #subscribePc = null;
  /** @type {Map<string, RemoteCall>} */
  #remotes = new Map();
  /** @type {Map<string, RemoteState>} by participant id */
  #remoteStates = new Map();
  /** Remote participants reported with onGroupRemoteCallAdded. */
  #added = new Set();
  /** @type {Map<'audio' | 'video', MediaStreamTrack>} */
  #localTracks = new Map();
  /** @type {Map<'audio' | 'video', string>} the server's track ids of the published tracks */
  #localTrackIds = new Map();
  #muted = { audio: false, video: false };
  #subscribeRevision = 0;
  /** @type {Promise<void>} subscribe offers are applied one after another */
  #subscribeChain = Promise.resolve();
  #transportConnected = { publish: false, subscribe: false };
  #restarting = { publish: false, subscribe: false };
  /** @type {string | null} */
  #roomVideoCodec = null;
  // A closed (or navigated-away) page leaves at once: otherwise the room would keep its
  // participant, silent, for the resume window (docs/signaling.md, `resume`).
  #onPageHide = () => this.hangup();

  /**
   * Made by CallClient: use `callConference` or `callGroup`.
   * @param {Connector} connector
   * @param {'conference' | 'group'} kind
   * @param {string} roomId
   * @param {CallSettings} settings
   * @param {() => void} onEnded
   */
  constructor(connector, kind, roomId, settings, onEnded) {
    this.#connector = connector;
    this.#settings = settings;
    this.#onEnded = onEnded;
    /** `initiating`, `progressing` (joined), `established` (media flows) or `ended`. */
    this.state = /** @type {'initiating' | 'progressing' | 'established' | 'ended'} */ (
      'initiating');
    /**
     * What went wrong, when the call ended with `failure` (or a step failed and was retried).
     * @type {ChorusError | null}
     */
    this.error = null;
    /**
     * The local camera and microphone, once captured (`onGroupLocalMediaAdded`).
     * @type {MediaStream | null}
     */
    this.outgoingStream = null;
    /** Every remote track of the call, all participants together. */
    this.incomingStream = new MediaStream();
    /** @type {CallDetails} */
    this.details = {
      id: '',
      roomId,
      serverUrl: connector.url,
      kind,
      startedTime: new Date(),
      progressingTime: null,
      establishedTime: null,
      endedTime: null,
      endCause: null,
      error: null,
    };
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
    // Started on the next task, so that the caller can add its listeners first.
    setTimeout(() => this.#run(), 0);
  }

  /** @returns {boolean} (a method, so that type narrowing does not outlive an await) */
  #isEnded() {
    return this.state === 'ended';
  }

  /** The room (or group) id. */
  get roomId() {
    return this.details.roomId;
  }

  /** This participant's id in the room, once joined. */
  get participantId() {
    return this.details.id;
  }

  /** The remote participants now in the room. */
  get remoteCalls() {
    return [...this.#remotes.values()];
  }

  get isAudioMuted() {
    return this.#muted.audio;
  }

  get isVideoMuted() {
    return this.#muted.video;
  }

  /** @param {CallListener} listener */
  addEventListener(listener) {
    this.#listeners.add(listener);
  }

  /** @param {CallListener} listener */
  removeEventListener(listener) {
    this.#listeners.delete(listener);
  }

  /** Leaves the room and releases the camera and microphone. */
  hangup() {
    if (this.#isEnded()) return;
    const connection = this.#connection;
    if (connection?.isOpen && this.details.id) {
      connection.request('leave').catch(() => {}).finally(() => connection.close());
    } else {
      connection?.close();
    }
    this.#end('hangup', null);
  }

  muteAudio() {
    return this.#setMuted('audio', true);
  }

  unmuteAudio() {
    return this.#setMuted('audio', false);
  }

  muteVideo() {
    return this.#setMuted('video', true);
  }

  unmuteVideo() {
    return this.#setMuted('video', false);
  }

  /**
   * `mute('audio')` or `mute('video')`; both when no kind is given.
   * @param {'audio' | 'video'} [kind]
   */
  async mute(kind) {
    for (const k of kind ? [kind] : /** @type {const} */ (['audio', 'video'])) {
      await this.#setMuted(k, true);
    }
  }

  /** @param {'audio' | 'video'} [kind] */
  async unmute(kind) {
    for (const k of kind ? [kind] : /** @type {const} */ (['audio', 'video'])) {
      await this.#setMuted(k, false);
    }
  }

  /**
   * Restarts ICE on both transports now, as the SDK does by itself when a media path fails:
   * for an application that knows the network changed (say the browser's `online` event)
   * before the browser notices. Media keeps flowing on the old path until the new one is up.
   * @returns {Promise<void>}
   */
  async restartIce() {
    await Promise.all([this.#restart('publish', false), this.#restart('subscribe', false)]);
  }

  /**
   * The statistics of both transports (`getStats()` of each RTCPeerConnection).
   * @returns {Promise<{publish: RTCStatsReport | null, subscribe: RTCStatsReport | null}>}
   */
  async getStats() {
    return {
      publish: this.#publishPc ? await this.#publishPc.getStats() : null,
      subscribe: this.#subscribePc ? await this.#subscribePc.getStats() : null,
    };
  }

  async #run() {
    const epoch = this.#epoch;
    try {
      await this.#captureMedia();
      if (this.#isEnded()) return;
      const joined = await this.#connectAndJoin(this.details.serverUrl,
                                                Date.now() + kDefaultDrainMs);
      if (!joined) return;
      this.details.serverUrl = joined.url;
      this.#adopt(joined.connection);
      this.#onJoined(joined.result);
      this.state = 'progressing';
      this.details.progressingTime = new Date();
      notify(this.#listeners, 'onCallProgressing', this);
      if (this.#localTracks.size === 0) {
        this.#establish();
        return;
      }
      await this.#publish(false);
    } catch (error) {
      // A step on a server the call has moved off has no bearing on the call.
      if (epoch === this.#epoch) this.#fail(error, 'failure');
    }
  }

  /**
   * Joins the room through a new connection to the node at `url`. A node that answers
   * `room_elsewhere` names the room's node, and the join goes there instead (docs/signaling.md,
   * "Several nodes"). A join refused with `server_draining` is tried again on another new
   * connection to `first`, which a load balancer sends to a ready server, with backoff until
   * `deadline`: not to the node a redirect named, which may be the draining node itself (the
   * redirecting node has not probed it since its drain began).
   * @param {string} first
   * @param {number} deadline milliseconds since the epoch
   * @returns {Promise<{connection: Connection, result: JoinResult, url: string} | null>} where
   *   the call joined, or null if the call ended meanwhile
   */
  async #connectAndJoin(first, deadline) {
    let url = first;
    let redirects = 0;
    let refusals = 0;
    for (;;) {
      const connection = await this.#connector.connect(this.roomId, url);
      if (this.#isEnded()) {
        connection.close();
        return null;
      }
      /** @type {JoinResult} */
      let result;
      try {
        result = await connection.request('join', {
          room: this.roomId,
          kind: this.details.kind,
          ...(this.#settings.name ? { name: this.#settings.name } : {}),
        });
      } catch (error) {
        connection.close();
        if (this.#isEnded()) return null;
        const elsewhere = error instanceof ChorusError && error.code === 'room_elsewhere'
          ? error.details.url : undefined;
        if (typeof elsewhere === 'string' && redirects < kMaxRoomRedirects) {
          redirects++;
          url = elsewhere;
          continue;
        }
        const delay = drainRetryDelay(refusals++);
        if (!(error instanceof ChorusError) || error.code !== 'server_draining' ||
            Date.now() + delay > deadline) {
          throw error;
        }
        this.error = error;
        await sleep(delay);
        url = first;
        redirects = 0;
        continue;
      }
      if (this.#isEnded()) {
        // Hung up while joining: the room must not keep the participant for a resume.
        connection.request('leave').catch(() => {}).finally(() => connection.close());
        return null;
      }
      return { connection, result, url };
    }
  }


  /**
   * docs/signaling.md, "Draining": the server stops soon. The call moves by itself,
   * make-before-break: it joins the room through a new connection first (to the event's `url`,
   * else to the client's, which a load balancer sends to a ready server), and only then leaves
   * the draining server and sets its media up again on the new one.
   * @param {Message} event
   */
  #onServerDraining(event) {
    if (this.#moving || this.#isEnded() || !this.details.id) return;
    const deadline = Number.isFinite(event.seconds_left)
      ? Date.now() + event.seconds_left * 1000
      : (Number.isFinite(event.deadline) ? event.deadline : Date.now() + kDefaultDrainMs);
    const url = typeof event.url === 'string' && event.url !== '' ? event.url : null;
    notify(this.#listeners, 'onCallMoving', this, { url, deadline: new Date(deadline) });
    this.#moving = this.#move(url ?? this.#connector.url, deadline).finally(() => {
      this.#moving = null;
    });
  }

  /**
   * @param {string} url
   * @param {number} deadline milliseconds since the epoch
   */
  async #move(url, deadline) {
    /** @type {{connection: Connection, result: JoinResult, url: string} | null} */
    let joined;
    try {
      joined = await this.#connectAndJoin(url, deadline);
    } catch (error) {
      // The call stays where it is until that server stops; it ends then if it cannot resume.
      this.error = toChorusError(error, 'server_draining');
      if (!this.#connection?.isOpen) this.#fail(this.error, 'connection_lost');
      return;
    }
    if (!joined) return;
    this.#leaveServer();
    this.details.serverUrl = joined.url;
    this.#adopt(joined.connection);
    this.#onJoined(joined.result);
    this.error = null;
    notify(this.#listeners, 'onCallMoved', this);
    try {
      if (this.#localTracks.size > 0) await this.#publish(false);
      for (const kind of /** @type {const} */ (['audio', 'video'])) {
        const trackId = this.#localTrackIds.get(kind);
        if (this.#muted[kind] && trackId) {
          await this.#request('mute', { track_id: trackId, muted: true });
        }
      }
    } catch (error) {
      this.#fail(error, 'failure');
    }
  }

  /**
   * The break of a move: leaves the room on the draining server and closes its connection and
   * both transports; the remote calls of that room are removed.
   */
  #leaveServer() {
    this.#epoch++;
    const old = this.#connection;
    if (old) {
      old.onEvent = () => {};
      old.onClose = () => {};
      old.request('leave').catch(() => {}).finally(() => old.close());
    }
    this.#publishPc?.close();
    this.#subscribePc?.close();
    this.#publishPc = null;
    this.#subscribePc = null;
    for (const id of [...this.#remotes.keys()]) this.#removeRemote(id);
    this.#subscribeRevision = 0;
    this.#transportConnected = { publish: false, subscribe: false };
    this.#localTrackIds.clear();
  }

  async #captureMedia() {
    const { audio, video, audioConstraints, videoConstraints, localStream } = this.#settings;
    if (!audio && !video && !localStream) return;
    let stream = localStream;
    if (!stream) {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: audio ? (Object.keys(audioConstraints).length ? audioConstraints : true) : false,
          video: video ? (Object.keys(videoConstraints).length ? videoConstraints : true) : false,
        });
      } catch (error) {
        throw toChorusError(error, 'media_failed');
      }
    }
    if (this.#isEnded()) {
      if (!localStream) for (const track of stream.getTracks()) track.stop();
      return;
    }
    for (const track of stream.getTracks()) {
      const kind = /** @type {'audio' | 'video'} */ (track.kind);
      if (!this.#localTracks.has(kind)) this.#localTracks.set(kind, track);
    }
    this.outgoingStream = stream;
    notify(this.#listeners, 'onGroupLocalMediaAdded', stream, this);
  }

  /** @param {Connection} connection */
  #adopt(connection) {
    this.#connection = connection;
    this.#resumeWindowMs = connection.resumeWindowMs;
    connection.onEvent = (event) => this.#onEvent(event);
    connection.onClose = (event) => this.#onConnectionClosed(event);
  }

  /** @param {JoinResult} joined */
  #onJoined(joined) {
    this.details.id = joined.participant_id;
    this.#resumeToken = joined.resume_token;
    this.#roomVideoCodec = joined.room.video_codec;
    const present = new Set();
    for (const participant of joined.participants) {
      present.add(participant.participant_id);
      this.#remote(participant);
      this.#setTracks(participant.participant_id, participant.tracks);
    }
    // After a resume: whoever left while the connection was away.
    for (const id of [...this.#remotes.keys()]) {
      if (!present.has(id)) this.#removeRemote(id);
    }
  }

  /**
   * The RemoteCall of a participant, created on first sight.
   * @param {{participant_id: string, user?: string, name?: string | null}} participant
   * @returns {RemoteCall}
   */
  #remote(participant) {
    const id = participant.participant_id;
    const user = participant.user ?? '';
    let remote = this.#remotes.get(id);
    if (!remote) {
      /** @type {RemoteState} */
      const state = { tracks: new Map(), receivers: [] };
      remote = new RemoteCall(id, user, participant.name || user || id, state);
      this.#remotes.set(id, remote);
      this.#remoteStates.set(id, state);
    } else if (user) {
      // First seen through its media (ontrack), now through the room's events.
      remote.userId = user;
      remote.name = participant.name || user;
    }
    return remote;
  }

  /**
   * @param {string} participantId
   * @param {WireTrack[]} tracks
   */
  #setTracks(participantId, tracks) {
    const state = this.#remoteStates.get(participantId);
    if (!state) return;
    state.tracks.clear();
    for (const track of tracks) state.tracks.set(track.track_id, track);
  }

  /** @param {string} participantId */
  #removeRemote(participantId) {
    const remote = this.#remotes.get(participantId);
    if (!remote) return;
    this.#remotes.delete(participantId);
    this.#remoteStates.delete(participantId);
    for (const track of remote.incomingStream?.getTracks() ?? []) {
      this.incomingStream.removeTrack(track);
    }
    if (this.#added.delete(participantId)) {
      notify(this.#listeners, 'onGroupRemoteCallRemoved', remote, this);
    }
  }

  /** @param {Message} event */
  #onEvent(event) {
    switch (event.type) {
      case 'participant_joined':
        this.#remote(event.participant);
        this.#setTracks(event.participant.participant_id, event.participant.tracks ?? []);
        break;
      case 'participant_left':
        this.#removeRemote(event.participant_id);
        break;
      case 'track_published':
        this.#remote({ participant_id: event.track.participant_id });
        this.#remoteStates.get(event.track.participant_id)?.tracks
          .set(event.track.track_id, event.track);
        break;
      case 'track_unpublished':
        this.#remoteStates.get(event.participant_id)?.tracks.delete(event.track_id);
        break;
      case 'track_muted':
      case 'track_unmuted':
        this.#onRemoteMute(event);
        break;
      case 'active_speakers':
        this.#onActiveSpeakers(event.participant_ids ?? []);
        break;
      case 'subscribe_offer':
        this.#onSubscribeOffer(event);
        break;
      case 'transport_state':
        this.#onTransportState(event.transport, event.state);
        break;
      case 'room_left':
        this.#connection?.close();
        this.#end(event.reason === 'kicked' ? 'kicked' : 'room_closed', null);
        break;
      case 'server_draining':
        this.#onServerDraining(event);
        break;
      default:
        break;
    }
  }

  /** @param {Message} event */
  #onRemoteMute(event) {
    if (event.participant_id === this.details.id) {
      this.#onServerMute(event);
      return;
    }
    const remote = this.#remotes.get(event.participant_id);
    const track = this.#remoteStates.get(event.participant_id)?.tracks.get(event.track_id);
    if (!remote || !track) return;
    const muted = event.type === 'track_muted';
    track.muted = muted;
    const kind = track.kind;
    if (kind !== 'audio' && kind !== 'video') return;
    notify(this.#listeners, 'onRemoteMuteChanged', remote,
      { kind, trackId: event.track_id, muted, by: event.by }, this);
  }

  /**
   * The application's backend muted (or unmuted) one of this call's tracks (docs/signaling.md,
   * REST API): the room already knows, so the SDK stops (or resumes) sending without telling
   * the server again.
   * @param {Message} event
   */
  #onServerMute(event) {
    const kind = [...this.#localTrackIds].find(([, id]) => id === event.track_id)?.[0];
    if (!kind) return;
    const muted = event.type === 'track_muted';
    this.#applyMuted(kind, muted).then(() => {
      notify(this.#listeners, 'onLocalMuteChanged',
        { kind, trackId: event.track_id, muted, by: 'server' }, this);
    }, (error) => {
      this.error = toChorusError(error, 'internal');
    });
  }

  /** @param {string[]} ids */
  #onActiveSpeakers(ids) {
    /** @type {Speaker[]} */
    const speakers = ids.map((id) => {
      const remote = this.#remotes.get(id) ?? null;
      const local = id === this.details.id;
      const name = local ? (this.#settings.name || this.#connector.userId) : (remote?.name ?? id);
      return { participantId: id, name, local, remoteCall: remote };
    });
    notify(this.#listeners, 'onActiveSpeakersChanged', speakers, this);
  }

  // --- publish transport ---

  /**
   * Offers the publish transport: on a new RTCPeerConnection the first time (and after the
   * server removed a failed transport), else as a re-offer with new ICE credentials.
   * @param {boolean} iceRestart
   * @returns {Promise<void>}
   */
  async #publish(iceRestart) {
    let pc = this.#publishPc;
    if (!pc || !iceRestart) {
      pc?.close();
      pc = this.#newPeerConnection('publish');
      this.#publishPc = pc;
      const streams = this.outgoingStream ? [this.outgoingStream] : [];
      for (const [kind, track] of this.#localTracks) {
        const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams });
        if (kind === 'video') this.#preferVideoCodec(transceiver);
        if (this.#muted[kind]) await transceiver.sender.replaceTrack(null);
      }
    } else {
      pc.restartIce();
    }
    // The server is ICE-lite and learns the browser's address from its checks: the offer goes
    // at once, without waiting for candidates.
    await pc.setLocalDescription(await pc.createOffer());
    /** @type {{sdp: string, tracks: WireTrack[]}} */
    let published;
    try {
      published = await this.#request('publish', { sdp: pc.localDescription?.sdp });
    } catch (error) {
      if (!(error instanceof ChorusError) || error.code !== 'codec_unsupported' ||
          !this.#settings.preferredVideoCodec) {
        throw error;
      }
      // The room has another codec than the one preferred: offer every codec instead.
      this.#settings.preferredVideoCodec = undefined;
      return this.#publish(false);
    }
    if (pc !== this.#publishPc || this.#isEnded()) return;
    await pc.setRemoteDescription({ type: 'answer', sdp: published.sdp });
    for (const track of published.tracks) {
      if (track.kind === 'audio' || track.kind === 'video') {
        this.#localTrackIds.set(track.kind, track.track_id);
      }
    }
  }

  /**
   * Puts the preferred codec (and its RTX) alone in the offer when the room has no video codec
   * yet: the server takes the first of its own list that the offer has (docs/signaling.md,
   * "Room codec policy"), so listing others would let it pick them.
   * @param {RTCRtpTransceiver} transceiver
   */
  #preferVideoCodec(transceiver) {
    const preferred = this.#settings.preferredVideoCodec?.toLowerCase();
    const capabilities = globalThis.RTCRtpSender?.getCapabilities?.('video');
    if (!preferred || !capabilities || typeof transceiver.setCodecPreferences !== 'function') {
      return;
    }
    const wanted = (this.#roomVideoCodec ?? preferred).toLowerCase();
    const name = (/** @type {{mimeType: string}} */ codec) =>
      codec.mimeType.split('/')[1].toLowerCase();
    const chosen = capabilities.codecs.filter((codec) => name(codec) === wanted);
    if (chosen.length === 0) return;
    const helpers = capabilities.codecs.filter((codec) =>
      ['rtx', 'red', 'ulpfec'].includes(name(codec)));
    transceiver.setCodecPreferences([...chosen, ...helpers]);
  }

  /**
   * @param {'audio' | 'video'} kind
   * @param {boolean} muted
   */
  async #setMuted(kind, muted) {
    if (this.#muted[kind] === muted) return;
    await this.#applyMuted(kind, muted);
    const trackId = this.#localTrackIds.get(kind);
    if (trackId && !this.#isEnded()) {
      await this.#request('mute', { track_id: trackId, muted }).catch((error) => {
        this.error = toChorusError(error, 'internal');
      });
    }
  }

  /**
   * Stops or resumes sending a kind of local media, without telling the server.
   * @param {'audio' | 'video'} kind
   * @param {boolean} muted
   */
  async #applyMuted(kind, muted) {
    this.#muted[kind] = muted;
    const track = this.#localTracks.get(kind);
    if (track) track.enabled = !muted;
    // Stop sending altogether rather than send silence or black: the others' receivers see the
    // track muted, and the bandwidth is free.
    // A sendonly transceiver's receiver track still tells its kind when the sender has none.
    const transceiver = this.#publishPc?.getTransceivers()
      .find((t) => t.receiver.track.kind === kind);
    await transceiver?.sender.replaceTrack(muted ? null : (track ?? null));
  }

  // --- subscribe transport ---

  /** @param {Message} offer */
  #onSubscribeOffer(offer) {
    const epoch = this.#epoch;
    this.#subscribeChain = this.#subscribeChain
      .then(() => (epoch === this.#epoch ? this.#answerSubscribeOffer(offer) : undefined))
      .catch((error) => {
        const failure = toChorusError(error, 'internal');
        // A newer offer follows a stale answer, and a resumed connection re-sends an offer
        // that was outstanding.
        if (failure.code === 'stale_answer' || failure.code === 'connection_lost') return;
        this.error = failure;
        console.warn('chorus: subscribe offer not applied', failure);
      });
  }

  /** @param {Message} offer */
  async #answerSubscribeOffer(offer) {
    if (this.#isEnded() || offer.revision <= this.#subscribeRevision) return;
    this.#subscribeRevision = offer.revision;
    if (!this.#subscribePc || offer.new_transport) {
      this.#subscribePc?.close();
      this.#subscribePc = this.#newPeerConnection('subscribe');
      this.#subscribePc.addEventListener('track', (event) => this.#onTrack(event));
    }
    const pc = this.#subscribePc;
    /** @type {Set<RemoteCall>} */
    const arrived = new Set();
    this.#arrivals = arrived;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    this.#arrivals = null;
    await pc.setLocalDescription(await pc.createAnswer());
    // Reported once the answer is set, when each participant's tracks of this offer are in.
    for (const remote of arrived) this.#announce(remote);
    await this.#request('subscribe_answer', {
      revision: offer.revision,
      sdp: pc.localDescription?.sdp,
    });
  }

  /** @type {Set<RemoteCall> | null} the participants whose tracks the offer being set brings */
  #arrivals = null;

  /** @param {RTCTrackEvent} event */
  #onTrack(event) {
    // The subscribe offer's msid names the participant as the stream id (docs/signaling.md).
    const stream = event.streams[0];
    if (!stream) return;
    const remote = this.#remote({ participant_id: stream.id });
    if (remote.incomingStream !== stream) {
      remote.incomingStream = stream;
      stream.addEventListener('removetrack', (removed) => {
        this.incomingStream.removeTrack(removed.track);
      });
    }
    const state = /** @type {RemoteState} */ (this.#remoteStates.get(remote.participantId));
    state.receivers = state.receivers.filter((r) => r.track.readyState === 'live');
    state.receivers.push(event.receiver);
    this.incomingStream.addTrack(event.track);
    if (this.#arrivals) this.#arrivals.add(remote);
    else this.#announce(remote);
  }

  /** @param {RemoteCall} remote */
  #announce(remote) {
    if (!this.#remotes.has(remote.participantId) || this.#added.has(remote.participantId)) return;
    this.#added.add(remote.participantId);
    notify(this.#listeners, 'onGroupRemoteCallAdded', remote, this);
  }

  // --- both transports ---

  /** @param {'publish' | 'subscribe'} transport */
  #newPeerConnection(transport) {
    const pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      iceServers: this.#connector.iceServers,
    });
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let disconnectedTimer;
    pc.addEventListener('connectionstatechange', () => {
      clearTimeout(disconnectedTimer);
      const current = transport === 'publish' ? this.#publishPc : this.#subscribePc;
      if (pc !== current || this.#isEnded()) return;
      if (pc.connectionState === 'connected') {
        this.#maybeEstablish();
      } else if (pc.connectionState === 'failed') {
        this.#restart(transport, false);
      } else if (pc.connectionState === 'disconnected') {
        // Often a short loss that ICE consent freshness recovers from by itself.
        disconnectedTimer = setTimeout(() => this.#restart(transport, false),
          kDisconnectedGraceMs);
      }
    });
    return pc;
  }

  /**
   * @param {'publish' | 'subscribe'} transport
   * @param {string} state
   */
  #onTransportState(transport, state) {
    if (transport !== 'publish' && transport !== 'subscribe') return;
    this.#transportConnected[transport] = state === 'connected';
    if (state === 'connected') this.#maybeEstablish();
    // The server removed the transport: it needs a new RTCPeerConnection (docs/signaling.md,
    // `restart_ice`).
    if (state === 'failed') this.#restart(transport, true);
  }

  /**
   * Restarts ICE on a transport whose media path failed: a publish re-offer with new ICE
   * credentials (a new RTCPeerConnection when the server removed the transport), or
   * `restart_ice` for the subscribe transport, whose next offer says whether it is new.
   * @param {'publish' | 'subscribe'} transport
   * @param {boolean} removedByServer
   */
  async #restart(transport, removedByServer) {
    if (this.#restarting[transport] || this.#isEnded()) return;
    this.#restarting[transport] = true;
    try {
      if (transport === 'publish') {
        await this.#publish(!removedByServer);
      } else if (this.#subscribePc) {
        await this.#request('restart_ice', { transport: 'subscribe' });
      }
    } catch (error) {
      this.error = toChorusError(error, 'transport_failed');
      console.warn(`chorus: ${transport} ICE restart failed`, error);
    } finally {
      this.#restarting[transport] = false;
    }
  }

  #maybeEstablish() {
    if (this.state !== 'progressing') return;
    if (this.#publishPc?.connectionState === 'connected' && this.#transportConnected.publish) {
      this.#establish();
    }
  }

  #establish() {
    this.state = 'established';
    this.details.establishedTime = new Date();
    notify(this.#listeners, 'onCallEstablished', this);
  }

  // --- the connection and its resumption ---

  /**
   * Sends a request on the current connection, waiting for a resumption in progress first.
   * @param {string} type
   * @param {Message} fields
   * @returns {Promise<any>}
   */
  async #request(type, fields) {
    if (this.#resuming) await this.#resuming;
    if (!this.#connection) throw new ChorusError('connection_lost', 'not connected');
    return this.#connection.request(type, fields);
  }

  /** @param {CloseEvent} event */
  #onConnectionClosed(event) {
    // A move under way replaces the connection (or ends the call if it cannot).
    if (this.#isEnded() || this.#moving) return;
    // 1008: the server refused the token; nothing to resume.
    if (!this.details.id || event.code === 1008) {
      this.#fail(new ChorusError('connection_lost',
        `connection closed (WebSocket close code ${event.code})`), 'failure');
      return;
    }
    this.#resuming = this.#resume().finally(() => {
      this.#resuming = null;
    });
  }

  // docs/signaling.md, `resume`: on a new connection, within the resume window, take the
  // participant over. Media keeps flowing meanwhile; the room sees nothing.
  async #resume() {
    const deadline = Date.now() + this.#resumeWindowMs;
    for (let attempt = 0; Date.now() < deadline && !this.#isEnded(); attempt++) {
      const delay = kResumeRetryDelaysMs[Math.min(attempt, kResumeRetryDelaysMs.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, delay));
      /** @type {Connection | null} */
      let connection = null;
      try {
        connection = await this.#connector.open(this.details.serverUrl);
        /** @type {JoinResult} */
        const resumed = await connection.request('resume', { resume_token: this.#resumeToken });
        if (this.#isEnded()) {
          connection.close();
          return;
        }
        this.#adopt(connection);
        this.#onJoined(resumed);
        return;
      } catch (error) {
        connection?.close();
        const failure = toChorusError(error, 'connection_lost');
        if (failure.code === 'resume_failed') {
          this.#fail(failure, 'connection_lost');
          return;
        }
      }
    }
    this.#fail(new ChorusError('resume_failed', 'the connection could not be resumed in time'),
      'connection_lost');
  }

  /**
   * @param {unknown} error
   * @param {EndCause} cause
   */
  #fail(error, cause) {
    if (this.#isEnded()) return;
    this.#connection?.close();
    this.#end(cause, toChorusError(error, 'internal'));
  }

  /**
   * @param {EndCause} cause
   * @param {ChorusError | null} error
   */
  #end(cause, error) {
    if (this.#isEnded()) return;
    this.state = 'ended';
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.error = error ?? this.error;
    this.details.endCause = cause;
    this.details.endedTime = new Date();
    this.details.error = error;
    this.#publishPc?.close();
    this.#subscribePc?.close();
    if (!this.#settings.localStream) {
      for (const track of this.#localTracks.values()) track.stop();
    }
    for (const id of [...this.#remotes.keys()]) this.#removeRemote(id);
    this.#onEnded();
    notify(this.#listeners, 'onCallEnded', this);
  }
}
