// The Chorus demo: a group call in a room named in the URL (`?room=`), using the SDK as any page
// would (/sdk/chorus.js, docs/sdk.md). Tokens come from the server's development endpoint
// (`GET /dev/token`, dev_mode only), so no application backend is needed.
import { ChorusClient, ChorusError, checkRoomId } from '/sdk/chorus.js';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const form = /** @type {HTMLFormElement} */ ($('join-form'));
const nameInput = /** @type {HTMLInputElement} */ ($('name'));
const roomInput = /** @type {HTMLInputElement} */ ($('room'));
const tiles = $('tiles');
const template = /** @type {HTMLTemplateElement} */ ($('tile-template'));

/** @type {import('/sdk/chorus.js').Call | null} */
let call = null;
/** @type {ChorusClient | null} */
let client = null;

const params = new URLSearchParams(location.search);
roomInput.value = params.get('room') ?? '';
nameInput.value = params.get('name') ?? localStorage.getItem('chorus-demo-name') ?? '';

/**
 * @param {string} text
 * @param {boolean} [isError]
 */
function showStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

/**
 * A development token for `user` in `room` from GET /dev/token.
 * @param {string} user
 * @param {string} room
 */
async function devToken(user, room) {
  const query = new URLSearchParams({ user, room });
  const response = await fetch(`/dev/token?${query}`);
  if (response.status === 404) {
    throw new Error('this server has no /dev/token: start it with dev_mode on (make run)');
  }
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.code}: ${body.message}`);
  return body.token;
}

/**
 * A video tile; `id` is the participant id (or `local`).
 * @param {string} id
 * @param {string} name
 * @param {MediaStream} stream
 * @param {boolean} local
 */
function addTile(id, name, stream, local) {
  const tile = /** @type {HTMLElement} */ (
    /** @type {DocumentFragment} */ (template.content.cloneNode(true)).firstElementChild);
  tile.dataset.participantId = id;
  tile.classList.add(local ? 'local' : 'remote');
  const label = /** @type {HTMLElement} */ (tile.querySelector('.name'));
  label.textContent = local ? `${name} (you)` : name;
  const video = /** @type {HTMLVideoElement} */ (tile.querySelector('video'));
  // Your own microphone is not played back to you; the others' audio plays from their tile.
  video.muted = local;
  video.srcObject = stream;
  tiles.append(tile);
  return tile;
}

/** @param {string} id */
function tileOf(id) {
  return tiles.querySelector(`[data-participant-id="${CSS.escape(id)}"]`);
}

/**
 * @param {Element | null} tile
 * @param {boolean} audioMuted
 * @param {boolean} videoMuted
 */
function showMuted(tile, audioMuted, videoMuted) {
  if (!tile) return;
  const marks = [audioMuted ? 'mic off' : '', videoMuted ? 'camera off' : ''].filter(Boolean);
  /** @type {HTMLElement} */ (tile.querySelector('.muted-marks')).textContent =
    marks.length ? `(${marks.join(', ')})` : '';
  tile.classList.toggle('video-off', videoMuted);
}

function showCallControls() {
  if (!call) return;
  $('toggle-audio').textContent = call.isAudioMuted ? 'Unmute microphone' : 'Mute microphone';
  $('toggle-video').textContent = call.isVideoMuted ? 'Turn camera on' : 'Turn camera off';
  showMuted(tileOf('local'), call.isAudioMuted, call.isVideoMuted);
}

/**
 * @param {string} name
 * @param {string} room
 */
async function join(name, room) {
  const invalid = checkRoomId(room);
  if (invalid) {
    showStatus(`${invalid.code}: ${invalid.message}`, true);
    return;
  }
  localStorage.setItem('chorus-demo-name', name);
  // The room goes in the address, so that the link can be shared.
  const url = new URL(location.href);
  url.search = new URLSearchParams({ room }).toString();
  history.replaceState(null, '', url);
  $('room-name').textContent = room;
  const share = /** @type {HTMLAnchorElement} */ ($('share-link'));
  share.href = url.toString();
  share.textContent = url.toString();

  form.hidden = true;
  $('call').hidden = false;
  showStatus('connecting…');
  client = new ChorusClient({
    url: location.origin,
    userId: name,
    tokenProvider: () => devToken(name, room),
  });
  try {
    await client.start();
  } catch (error) {
    leave();
    showStatus(`cannot connect: ${describe(error)}`, true);
    return;
  }
  call = client.getCallClient().callGroup(room, {
    name,
    videoConstraints: { width: 640, height: 480, frameRate: 24 },
  });
  call.addEventListener({
    onGroupLocalMediaAdded(stream) {
      addTile('local', name, stream, true);
      showCallControls();
    },
    onCallProgressing() {
      showStatus('joined, connecting media…');
    },
    onCallEstablished() {
      showStatus('in the call');
    },
    onGroupRemoteCallAdded(remote) {
      if (!remote.incomingStream) return;
      tileOf(remote.participantId)?.remove();
      const tile = addTile(remote.participantId, remote.name, remote.incomingStream, false);
      showMuted(tile, remote.audioMuted, remote.videoMuted);
    },
    onGroupRemoteCallRemoved(remote) {
      tileOf(remote.participantId)?.remove();
    },
    onRemoteMuteChanged(remote) {
      showMuted(tileOf(remote.participantId), remote.audioMuted, remote.videoMuted);
    },
    onActiveSpeakersChanged(speakers) {
      const speaking = new Set(speakers.map((s) => (s.local ? 'local' : s.participantId)));
      for (const tile of tiles.querySelectorAll('.tile')) {
        const id = /** @type {HTMLElement} */ (tile).dataset.participantId ?? '';
        tile.classList.toggle('speaking', speaking.has(id));
      }
    },
    onCallEnded(ended) {
      const error = ended.details.error;
      leave();
      if (error) showStatus(`the call ended: ${describe(error)}`, true);
      else showStatus(`the call ended (${ended.details.endCause})`);
    },
  });
}

/** @param {unknown} error */
function describe(error) {
  if (error instanceof ChorusError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function leave() {
  const leaving = call;
  call = null;
  leaving?.hangup();
  client?.stop();
  client = null;
  tiles.replaceChildren();
  $('call').hidden = true;
  form.hidden = false;
  showStatus('');
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  join(nameInput.value.trim(), roomInput.value.trim());
});
$('leave').addEventListener('click', () => {
  leave();
  showStatus('you left the call');
});
$('toggle-audio').addEventListener('click', async () => {
  if (!call) return;
  await (call.isAudioMuted ? call.unmuteAudio() : call.muteAudio());
  showCallControls();
});
$('toggle-video').addEventListener('click', async () => {
  if (!call) return;
  await (call.isVideoMuted ? call.unmuteVideo() : call.muteVideo());
  showCallControls();
});
