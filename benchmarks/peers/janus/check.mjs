// Proves the Janus configuration works for the comparison (issue 8): in the network namespace
// run-janus.sh makes, headless Chromium publishes two feeds into VideoRoom room 1 and a third
// page subscribes to both on one PeerConnection (Janus 1.1 multistream); the check passes when
// every subscribed video stream decodes frames and grows, and prints the SRTP and DTLS suites
// getStats reports on every PeerConnection. Not part of `make test`.
//
//   benchmarks/peers/janus/check.sh [--transcript FILE]
//
// (= run-janus.sh -- node check.mjs). JANUS_WS_URL comes from run-janus.sh; with
// --transcript, every Janus API message sent and received is written to FILE as JSON.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium, openPage } from '../../../tests/e2e/support/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const kRoom = 1;
const kPublishers = 2;
const kFramesWanted = 60; // two seconds of video at 30 fps, on every stream
const kDecodeTimeoutMs = 30_000;

function argument(name) {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
}

// The pages need a secure context for getUserMedia: http://127.0.0.1 is one.
async function servePages() {
  const script = await readFile(join(here, 'check', 'janus-page.js'));
  const server = createServer((request, response) => {
    if (request.url === '/janus-page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><meta charset="utf-8"><script src="/janus-page.js"></script>');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function main() {
  const url = process.env.JANUS_WS_URL;
  if (!url) throw new Error('JANUS_WS_URL is not set: run this through check.sh (run-janus.sh)');
  const server = await servePages();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium();
  const pages = [];
  try {
    const open = async () => {
      const page = await openPage(browser);
      await page.goto(base);
      pages.push(page);
      return page;
    };
    const subscriberPage = await open();
    const subscribed = subscriberPage.evaluate(
      ([u, room, wanted]) => globalThis.subscribeAll(u, room, 'subscriber', wanted),
      [url, kRoom, kPublishers],
    );
    const publisherPages = [];
    for (let i = 1; i <= kPublishers; i++) {
      const page = await open();
      const feed = await page.evaluate(
        ([u, room, name]) => globalThis.publish(u, room, name),
        [url, kRoom, `publisher-${i}`],
      );
      console.log(`publisher-${i}: feed ${feed.feed}`);
      publisherPages.push(page);
    }
    console.log(`subscriber: feeds ${(await subscribed).feeds.join(', ')} on one PeerConnection`);

    const stats = (page, side) => page.evaluate((s) => globalThis.statsOf(globalThis[s].pc), side);
    const deadline = Date.now() + kDecodeTimeoutMs;
    let first;
    let last;
    for (;;) {
      last = await stats(subscriberPage, 'subscriber');
      first ??= last;
      const decoding =
        last.inboundVideo.length === kPublishers &&
        last.inboundVideo.every((s) => s.framesDecoded >= kFramesWanted);
      if (decoding) break;
      if (Date.now() > deadline) {
        throw new Error(`video did not decode on every stream: ${JSON.stringify(last)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const stream of last.inboundVideo) {
      console.log(`subscriber: video mid ${stream.mid} ssrc ${stream.ssrc}: framesDecoded ` +
        `${stream.framesDecoded}, packetsReceived ${stream.packetsReceived}`);
    }
    // With one profile forced (run-janus.sh --srtp-profiles), every transport must use it:
    // OpenSSL names it SRTP_AES128_CM_SHA1_80, getStats SRTP_AES128_CM_HMAC_SHA1_80.
    const forced = process.env.JANUS_SRTP_PROFILES ?? '';
    const expected = forced.includes(':') || forced === 'janus' ? undefined
      : forced.replace('_CM_SHA1_', '_CM_HMAC_SHA1_');
    const report = (name, s) =>
      s.transports.map((t) => {
        if (expected && t.srtpCipher !== expected) {
          throw new Error(`${name} negotiated ${t.srtpCipher}, not ${expected}`);
        }
        console.log(`${name}: transport dtlsRole=${t.dtlsRole} ${t.tlsVersion ? `tls=${t.tlsVersion} ` : ''}` +
          `dtlsCipher=${t.dtlsCipher} srtpCipher=${t.srtpCipher}; pair ${s.pair}`);
      });
    report('subscriber', last);
    for (let i = 0; i < publisherPages.length; i++) {
      report(`publisher-${i + 1}`, await stats(publisherPages[i], 'publisher'));
    }
    const errors = await subscriberPage.evaluate((u) => globalThis.provokeErrors(u), url);
    console.log(`errors: ${errors.noSuchRoom}; ${errors.noSuchHandle}`);

    await subscriberPage.evaluate(() => globalThis.leave());
    for (const page of publisherPages) await page.evaluate(() => globalThis.leave());

    const transcriptFile = argument('--transcript');
    if (transcriptFile) {
      const all = [];
      for (const page of pages) all.push(...(await page.evaluate(() => globalThis.transcript)));
      all.sort((a, b) => a.t - b.t);
      await writeFile(transcriptFile, JSON.stringify(all, null, 2) + '\n');
      console.log(`transcript: ${all.length} messages in ${transcriptFile}`);
    }
    console.log('PASS: every subscribed video stream decodes through Janus');
  } catch (error) {
    for (const page of pages) {
      if (page.consoleLines.length) console.error(page.consoleLines.join('\n'));
    }
    throw error;
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(`FAIL: ${error.stack}`);
  process.exit(1);
});
