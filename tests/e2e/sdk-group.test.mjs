// The browser SDK in a group call (issue 7, case 1): three Chromium pages load a page that
// imports /sdk/chorus.js from chorusd and call `callGroup` on one room. Each must get
// onGroupRemoteCallAdded for the other two, decode video from both (framesDecoded grows) and
// receive non-silent audio from both, all read from the SDK's per-participant getStats(); then
// one hangs up and the other two get onGroupRemoteCallRemoved for it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './support/chromium.mjs';
import { reportingFailure } from './support/testPage.mjs';
import { assertEachSeesAndHearsTheOthers, assertHangupRemoves, joinGroup } from './sdkGroup.mjs';
import { startChorusdWithSdk } from './sdkPages.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kRoom = 'e2e-sdk-group';
const kTestTimeoutMs = 60_000;

let chorusd;
let browser;
const pages = new Map();

before(async () => {
  chorusd = await startChorusdWithSdk({ pagesDir: kPagesDir });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, body);
}

test('three SDK pages in a group call each see, decode and hear the other two', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    await joinGroup(chorusd, pages, kRoom,
      ['alice', 'bob', 'carol'].map((label) => [label, browser]));
    await assertEachSeesAndHearsTheOthers(t, pages);
  });
});

test('one page hangs up: the other two get onGroupRemoteCallRemoved for it', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    assert.equal(pages.size, 3, 'the first test did not join three pages');
    await assertHangupRemoves(t, pages, 'carol');
  });
});
