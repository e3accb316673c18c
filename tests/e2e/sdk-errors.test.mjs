// Errors (issue 7, case 6), while a pair of pages is in a call: a third page asks for a room id
// of 65 code points (64 astral characters and one more: 130 UTF-16 units), which the SDK refuses
// with room_id_too_long before anything is sent (no WebSocket opened by the page, none accepted
// by the server), and starts a client with an expired token, which fails with the server's
// documented code (`unauthorized`, docs/signaling.md "Error codes", counted as `expired`). The
// pair keeps decoding each other throughout and sees nobody come or go.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { kApplication, kSecret } from './support/chorusd.mjs';
import { chromiumSdkSuite, DrivenPage } from './sdkPages.mjs';
import { joinPages, kStepTimeoutMs, metric, waitForVideo } from './sdkCalls.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-errors';
const kTestTimeoutMs = 60_000;

const suite = chromiumSdkSuite(kPagesDir);
const { pages, reporting } = suite;

const base64url = (text) => Buffer.from(text).toString('base64url');

// A token signed like chorusd's (docs/signaling.md, "Format") that expired two minutes ago,
// beyond the server's 30 s leeway; `chorusd token` mints only tokens valid from now.
function expiredToken(user) {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ iss: kApplication, sub: user, nbf: now - 3600,
    exp: now - 120, room: kRoom, publish: true, subscribe: true }));
  const signature = createHmac('sha256', kSecret).update(`${header}.${claims}`)
    .digest('base64url');
  return `${header}.${claims}.${signature}`;
}

// The pair decodes each other beyond `previous`, and neither saw anyone come or go since.
async function pairUnharmed(t, pair, previous = {}) {
  const [ann, ben] = pair;
  const now = {
    ann: await waitForVideo(ann, ben, { previous: previous.ann }),
    ben: await waitForVideo(ben, ann, { previous: previous.ben }),
  };
  for (const page of pair) {
    const events = await page.call('events', undefined, kStepTimeoutMs);
    assert.deepEqual(events.filter((e) => e.type !== 'added' || e.participantId !==
      pair.find((p) => p !== page).participantId), [], `${page.label}'s events`);
  }
  t.diagnostic(`the pair decodes: ${JSON.stringify(now)}`);
  return now;
}

test('a 65-code-point room id is refused before anything is sent; the pair goes on', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const joined = await joinPages(suite.browser, suite.chorusd, pages, kRoom, ['ann', 'ben']);
    const pair = [...joined.values()];
    const first = await pairUnharmed(t, pair);
    const carol = await DrivenPage.open(suite.browser, suite.chorusd, 'carol',
      { path: '/sdk-call.html', global: 'sdkCall' });
    pages.set('carol', carol);
    const room = `r${'🎵'.repeat(64)}`;
    assert.equal([...room].length, 65);
    const token = await suite.chorusd.token({ user: 'carol', room: '*' });
    // tryRoom starts a client (one connection, opened and closed), then places the call.
    const connectionsBefore = await metric(suite.chorusd, 'chorus_websocket_connections_total');
    const joinsBefore = await metric(suite.chorusd, 'chorus_joins_total');
    const tried = await carol.call('tryRoom', { room, name: 'carol', token }, kStepTimeoutMs);
    assert.equal(tried.error?.code, 'room_id_too_long', JSON.stringify(tried));
    assert.equal(tried.socketsOpened, 0, 'the page opened a WebSocket for the call');
    assert.equal(await metric(suite.chorusd, 'chorus_joins_total'), joinsBefore);
    assert.equal(await metric(suite.chorusd, 'chorus_websocket_connections_total'),
      connectionsBefore + 1, 'only the client start() reached the server');
    // 64 code points in 128 UTF-16 units is a room id.
    const fits = await carol.call('tryRoom', { room: '🎵'.repeat(64), name: 'carol', token },
      kStepTimeoutMs);
    assert.equal(fits.error, null, JSON.stringify(fits));
    pages.get('ann').lastStats = await pairUnharmed(t, pair, first);
  });
});

test('an expired token fails with the documented code; the pair goes on', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    const carol = pages.get('carol');
    assert.ok(carol && pages.get('ann').lastStats, 'the first test did not run to its end');
    const pair = [pages.get('ann'), pages.get('ben')];
    const expiredBefore = await metric(suite.chorusd, 'chorus_auth_failures_total',
      { reason: 'expired' });
    const tried = await carol.call('tryStart', { name: 'carol', token: expiredToken('carol') },
      kStepTimeoutMs);
    t.diagnostic(`expired token: ${JSON.stringify(tried)}`);
    assert.equal(tried.error?.code, 'unauthorized');
    assert.match(tried.error.message, /expired/);
    assert.deepEqual(tried.reported, tried.error, 'onClientFailed reports the same error');
    assert.equal(await metric(suite.chorusd, 'chorus_auth_failures_total', { reason: 'expired' }),
      expiredBefore + 1);
    await pairUnharmed(t, pair, pages.get('ann').lastStats);
  });
});
