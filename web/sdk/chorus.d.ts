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
export function checkRoomId(roomId: string): ChorusError | null;
/** The protocol version this SDK speaks (docs/signaling.md, "Hello"). */
export const kProtocolVersion: 1;
/** The longest room id, in Unicode code points (docs/signaling.md, "Model"). */
export const kMaxRoomIdLength: 64;
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
    constructor(code: string, message: string, details?: Record<string, any>);
    /** @type {string} */
    code: string;
    /** @type {Record<string, any>} */
    details: Record<string, any>;
}
/**
 * The entry point: who the user is, how to reach the server, and the call client.
 */
export class ChorusClient {
    /** @param {ChorusClientOptions} options */
    constructor(options: ChorusClientOptions);
    /** The user id given to the constructor. */
    get userId(): string;
    /** True between a successful `start()` and `stop()`. */
    get isStarted(): boolean;
    /**
     * With `true`, the connection `start()` opened stays open until the first call uses it, so
     * the call starts without a new handshake; without it `start()` closes it once the token is
     * proven. Call before `start()`.
     * @param {boolean} support
     */
    setSupportActiveConnection(support: boolean): void;
    /** @param {ClientListener} listener */
    addEventListener(listener: ClientListener): void;
    /** @param {ClientListener} listener */
    removeEventListener(listener: ClientListener): void;
    /**
     * Connects and authenticates, proving the server is reachable and the token valid. Resolves
     * when started (and calls `onClientStarted`); rejects with a ChorusError (and calls
     * `onClientFailed`).
     * @returns {Promise<void>}
     */
    start(): Promise<void>;
    /** Hangs up every call and closes the connections. */
    stop(): void;
    /** @returns {CallClient} */
    getCallClient(): CallClient;
    #private;
}
/**
 * Places calls; `client.getCallClient()` returns the client's one call client. The media
 * settings apply to the calls placed after they are set.
 */
export class CallClient {
    /**
     * Made by ChorusClient: use `client.getCallClient()`.
     * @param {Connector} connector
     */
    constructor(connector: Connector);
    /**
     * Microphone selection and processing (e.g. `{ deviceId: { exact: id } }`), or `false` for
     * calls without audio.
     * @param {MediaTrackConstraints | boolean} constraints
     */
    setAudioConstraints(constraints: MediaTrackConstraints | boolean): void;
    /**
     * Camera selection and format (e.g. `{ width: 640, height: 360, frameRate: 15 }`), or `false`
     * for audio-only calls.
     * @param {MediaTrackConstraints | boolean} constraints
     */
    setVideoConstraints(constraints: MediaTrackConstraints | boolean): void;
    /**
     * The video codec to ask for (`VP8`, `VP9`, `H264`, `AV1`) when a call is its room's first
     * video publisher; later publishers use the room's codec whatever they prefer.
     * @param {string | undefined} codec
     */
    setPreferredVideoCodec(codec: string | undefined): void;
    /**
     * Joins the conference room `roomId`: one call whose incoming stream holds every remote
     * track. Throws a ChorusError (`room_id_too_long`, `room_id_invalid`) before anything is sent
     * when the id is not a room id.
     * @param {string} roomId
     * @param {CallOptions} [options]
     * @returns {Call}
     */
    callConference(roomId: string, options?: CallOptions): Call;
    /**
     * Joins the group `groupId`: every other participant is a RemoteCall
     * (`onGroupRemoteCallAdded`, `onGroupRemoteCallRemoved`). Throws like `callConference`.
     * @param {string} groupId
     * @param {CallOptions} [options]
     * @returns {Call}
     */
    callGroup(groupId: string, options?: CallOptions): Call;
    /** The calls not yet ended. */
    get calls(): Call[];
    #private;
}
/**
 * Another participant of a call's room. In a group call each is reported by
 * `onGroupRemoteCallAdded`; in a conference they are listed in `call.remoteCalls` too.
 */
export class RemoteCall {
    /**
     * Made by Call.
     * @param {string} participantId
     * @param {string} userId
     * @param {string} name
     * @param {RemoteState} state
     */
    constructor(participantId: string, userId: string, name: string, state: RemoteState);
    /** The participant's id in the room (server-chosen). */
    participantId: string;
    /** The participant's user id (its token's `sub`). */
    userId: string;
    /** The display name the participant gave (or its user id). */
    name: string;
    /**
     * The participant's audio and video, once the first track arrived.
     * @type {MediaStream | null}
     */
    incomingStream: MediaStream | null;
    /** True while the participant's audio is muted (or it publishes none). */
    get audioMuted(): boolean;
    /** True while the participant's video is muted (or it publishes none). */
    get videoMuted(): boolean;
    /**
     * The receive statistics of this participant's tracks (inbound-rtp with framesDecoded,
     * totalSamplesReceived, packetsLost, ...), merged from its receivers.
     * @returns {Promise<Map<string, any>>}
     */
    getStats(): Promise<Map<string, any>>;
    #private;
}
/**
 * A call in one room, from `callConference` or `callGroup`.
 */
export class Call {
    /**
     * Made by CallClient: use `callConference` or `callGroup`.
     * @param {Connector} connector
     * @param {'conference' | 'group'} kind
     * @param {string} roomId
     * @param {CallSettings} settings
     * @param {() => void} onEnded
     */
    constructor(connector: Connector, kind: "conference" | "group", roomId: string, settings: CallSettings, onEnded: () => void);
    /** `initiating`, `progressing` (joined), `established` (media flows) or `ended`. */
    state: "ended" | "initiating" | "progressing" | "established";
    /**
     * What went wrong, when the call ended with `failure` (or a step failed and was retried).
     * @type {ChorusError | null}
     */
    error: ChorusError | null;
    /**
     * The local camera and microphone, once captured (`onGroupLocalMediaAdded`).
     * @type {MediaStream | null}
     */
    outgoingStream: MediaStream | null;
    /** Every remote track of the call, all participants together. */
    incomingStream: MediaStream;
    /** @type {CallDetails} */
    details: CallDetails;
    /** The room (or group) id. */
    get roomId(): string;
    /** This participant's id in the room, once joined. */
    get participantId(): string;
    /** The remote participants now in the room. */
    get remoteCalls(): RemoteCall[];
    get isAudioMuted(): boolean;
    get isVideoMuted(): boolean;
    /** @param {CallListener} listener */
    addEventListener(listener: CallListener): void;
    /** @param {CallListener} listener */
    removeEventListener(listener: CallListener): void;
    /** Leaves the room and releases the camera and microphone. */
    hangup(): void;
    muteAudio(): Promise<void>;
    unmuteAudio(): Promise<void>;
    muteVideo(): Promise<void>;
    unmuteVideo(): Promise<void>;
    /**
     * `mute('audio')` or `mute('video')`; both when no kind is given.
     * @param {'audio' | 'video'} [kind]
     */
    mute(kind?: "audio" | "video"): Promise<void>;
    /** @param {'audio' | 'video'} [kind] */
    unmute(kind?: "audio" | "video"): Promise<void>;
    /**
     * Restarts ICE on both transports now, as the SDK does by itself when a media path fails:
     * for an application that knows the network changed (say the browser's `online` event)
     * before the browser notices. Media keeps flowing on the old path until the new one is up.
     * @returns {Promise<void>}
     */
    restartIce(): Promise<void>;
    /**
     * The statistics of both transports (`getStats()` of each RTCPeerConnection).
     * @returns {Promise<{publish: RTCStatsReport | null, subscribe: RTCStatsReport | null}>}
     */
    getStats(): Promise<{
        publish: RTCStatsReport | null;
        subscribe: RTCStatsReport | null;
    }>;
    #private;
}
export type TokenRequest = {
    /**
     * the client's `userId`
     */
    userId: string;
    /**
     * the room the token is for; absent for `start()`
     */
    roomId?: string | undefined;
};
export type ChorusClientOptions = {
    /**
     * the server: `https://host[:port]` (or `http://` on localhost), or the
     * WebSocket URL itself (`wss://host/ws`); default: the page's origin
     */
    url?: string | undefined;
    /**
     * the user id the tokens are for (the token's `sub`)
     */
    userId: string;
    /**
     * an access token (docs/signaling.md, "Access tokens")
     */
    token?: string | undefined;
    /**
     * called for a
     * token whenever one is needed (at `start()` and for each call's connection); use it instead
     * of `token` when tokens expire or are per room
     */
    tokenProvider?: ((request: TokenRequest) => string | Promise<string>) | undefined;
    /**
     * STUN and TURN servers for every call's
     * RTCPeerConnections (`[{urls: 'turn:turn.example.com:3478', username, credential}]`), for
     * networks that block UDP to the server and ICE-TCP too; default: none (Chorus is reachable
     * directly)
     */
    iceServers?: RTCIceServer[] | undefined;
};
export type ClientListener = {
    onClientStarted?: ((client: ChorusClient) => void) | undefined;
    onClientFailed?: ((client: ChorusClient, error: ChorusError) => void) | undefined;
};
export type CallOptions = {
    /**
     * send the microphone (default: the call client's setting, true)
     */
    audio?: boolean | undefined;
    /**
     * send the camera (default: the call client's setting, true)
     */
    video?: boolean | undefined;
    /**
     * getUserMedia audio constraints
     */
    audioConstraints?: MediaTrackConstraints | undefined;
    /**
     * getUserMedia video constraints
     */
    videoConstraints?: MediaTrackConstraints | undefined;
    /**
     * `VP8`, `VP9`, `H264` or `AV1`: asked for when this
     * call is the room's first video publisher (the room's codec is fixed from then on)
     */
    preferredVideoCodec?: string | undefined;
    /**
     * the display name the others see (default: the user id)
     */
    name?: string | undefined;
    /**
     * send these tracks instead of calling getUserMedia
     */
    localStream?: MediaStream | undefined;
};
export type CallDetails = {
    /**
     * this participant's id in the room (empty until joined)
     */
    id: string;
    roomId: string;
    /**
     * the WebSocket URL of the node the call is on: the client's
     * `url`, or the node a `room_elsewhere` redirect named
     */
    serverUrl: string;
    kind: "conference" | "group";
    /**
     * when the call was placed
     */
    startedTime: Date;
    /**
     * when the room was joined
     */
    progressingTime: Date | null;
    /**
     * when media started to flow
     */
    establishedTime: Date | null;
    endedTime: Date | null;
    endCause: EndCause | null;
    error: ChorusError | null;
};
/**
 * Why a call ended: `hangup` (this side), `kicked` or `room_closed` (REST API), `failure`
 * (`call.error` says what), `connection_lost` (the connection could not be resumed in time).
 */
export type EndCause = "hangup" | "kicked" | "room_closed" | "failure" | "connection_lost";
/**
 * A participant of the call's room, as the active speaker list names them.
 */
export type Speaker = {
    participantId: string;
    name: string;
    /**
     * true for this call's own participant
     */
    local: boolean;
    /**
     * the remote participant, or null for the local one
     */
    remoteCall: RemoteCall | null;
};
export type MuteChange = {
    kind: "audio" | "video";
    trackId: string;
    muted: boolean;
    /**
     * who muted it: the participant or the REST API
     */
    by: "participant" | "server";
};
/**
 * A mute of one of this call's own tracks by the application's backend (REST API).
 */
export type LocalMuteChange = {
    kind: "audio" | "video";
    trackId: string;
    muted: boolean;
    by: "server";
};
/**
 * The callbacks a call reports to; every one is optional.
 */
export type CallListener = {
    /**
     * the room is joined
     */
    onCallProgressing?: ((call: Call) => void) | undefined;
    /**
     * the local media flows to the server
     */
    onCallEstablished?: ((call: Call) => void) | undefined;
    /**
     * see `call.details.endCause` and `call.error`
     */
    onCallEnded?: ((call: Call) => void) | undefined;
    /**
     * the camera and
     * microphone are ready (`call.outgoingStream`)
     */
    onGroupLocalMediaAdded?: ((stream: MediaStream, call: Call) => void) | undefined;
    /**
     * a remote
     * participant's first media arrived (`remoteCall.incomingStream`)
     */
    onGroupRemoteCallAdded?: ((remoteCall: RemoteCall, call: Call) => void) | undefined;
    /**
     * a remote
     * participant left
     */
    onGroupRemoteCallRemoved?: ((remoteCall: RemoteCall, call: Call) => void) | undefined;
    /**
     * who is
     * speaking now, loudest first (empty when all are quiet)
     */
    onActiveSpeakersChanged?: ((speakers: Speaker[], call: Call) => void) | undefined;
    /**
     * a remote participant muted or unmuted a track
     */
    onRemoteMuteChanged?: ((remoteCall: RemoteCall, change: MuteChange, call: Call) => void) | undefined;
    /**
     * the
     * application's backend muted or unmuted this call's own track (the SDK has already stopped
     * or resumed sending it)
     */
    onLocalMuteChanged?: ((change: LocalMuteChange, call: Call) => void) | undefined;
    /**
     * the call's server is
     * draining: the SDK is moving the call to another server by itself
     */
    onCallMoving?: ((call: Call, move: CallMove) => void) | undefined;
    /**
     * the call is in the room on the new server (its
     * `participantId` is new); the remote calls come again as their media arrives
     */
    onCallMoved?: ((call: Call) => void) | undefined;
};
export type WireTrack = {
    track_id: string;
    participant_id?: string | undefined;
    kind: string;
    muted: boolean;
};
export type WireParticipant = {
    participant_id: string;
    user: string;
    name?: string | null | undefined;
    tracks: WireTrack[];
};
export type JoinResult = {
    participant_id: string;
    resume_token: string;
    room: {
        id: string;
        kind: string;
        video_codec: string | null;
    };
    participants: WireParticipant[];
};
export type Message = Record<string, any>;
/**
 * A call's options with the call client's defaults filled in.
 */
export type CallSettings = Required<Omit<CallOptions, "preferredVideoCodec" | "name" | "localStream">> & CallOptions;
/**
 * A request waiting for its reply.
 */
export type PendingRequest = {
    type: string;
    resolve: (result: any) => void;
    reject: (error: ChorusError) => void;
};
/**
 * How a call reaches the server: its client's connections (not part of the public API).
 */
export type Connector = {
    userId: string;
    /**
     * the client's WebSocket URL
     */
    url: string;
    iceServers: RTCIceServer[];
    /**
     * an authenticated
     * connection to the node at `url`
     */
    connect: (roomId: string, url: string) => Promise<Connection>;
    /**
     * a connection not yet authenticated (for
     * `resume`)
     */
    open: (url: string) => Promise<Connection>;
};
/**
 * A call moving to another server because its server is draining (docs/sdk.md, "Server
 * drains").
 */
export type CallMove = {
    /**
     * the server the event named, or null: the client's own `url`
     */
    url: string | null;
    /**
     * when the draining server stops, by this browser's clock
     */
    deadline: Date;
};
/**
 * A remote participant's state that its Call keeps up to date (not part of the public API).
 */
export type RemoteState = {
    /**
     * by track id
     */
    tracks: Map<string, {
        kind: string;
        muted: boolean;
    }>;
    receivers: RTCRtpReceiver[];
};
declare class Connection {
    /**
     * Opens a connection and resolves once the server's hello has come.
     * @param {string} url
     * @returns {Promise<Connection>}
     */
    static open(url: string): Promise<Connection>;
    /** @param {WebSocket} socket */
    constructor(socket: WebSocket);
    /** @type {(event: Message) => void} */
    onEvent: (event: Message) => void;
    /** @type {(event: CloseEvent) => void} */
    onClose: (event: CloseEvent) => void;
    /** How long the server keeps a dropped participant for a `resume` (from its hello). */
    resumeWindowMs: number;
    /** @type {(hello: Message) => void} */
    onHello: (hello: Message) => void;
    get isOpen(): boolean;
    /**
     * Sends a request; resolves to its `result`, rejects with the server's error.
     * @param {string} type
     * @param {Message} [fields]
     * @returns {Promise<any>}
     */
    request(type: string, fields?: Message): Promise<any>;
    close(): void;
    #private;
}
export {};
