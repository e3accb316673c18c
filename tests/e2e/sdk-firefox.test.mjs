// The browser SDK with Firefox (issue 7, case 2): a Firefox-only pair and a mixed group of two
// Chromium pages and a Firefox page call `callGroup` through /sdk/chorus.js (pages/sdk-group.js,
// as sdk-group.test.mjs in Chromium alone). Each gets onGroupRemoteCallAdded for the others,
// decodes their VP8 and receives their Opus with sound, read from the SDK's per-participant
// getStats(); one hangs up and the others get onGroupRemoteCallRemoved. A Firefox pair that
// prefers VP9 (the SDK's setCodecPreferences) decodes VP9. Then the demo page (web/demo) joins a
// Firefox and a Chromium visitor by a shared link.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './support/chromium.mjs';
import { launchFirefox } from './support/firefox.mjs';
import { reportingFailure } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';
import {
  assertEachSeesAndHearsTheOthers, assertHangupRemoves, joinGroup, kMediaTimeoutMs,
  kStepTimeoutMs,
} from './sdkGroup.mjs';
import { DrivenPage, kWebDir, startChorusdWithSdk } from './sdkPages.mjs';
import { joinPages, waitForVideo } from './sdkCalls.mjs';

const kVp8AndOpus = { video: /^video\/VP8$/i, audio: /^audio\/opus$/i };
const kTestTimeoutMs = 60_000;

let chorusd;
let firefox;
let chromium;
let pagesDir;
// The pages of the running test, by label, each with its participant id (`participantId`).
const pages = new Map();

before(async () => {
  // The test pages and the demo side by side at `/`: the demo's index.html is `/`.
  pagesDir = await mkdtemp(join(tmpdir(), 'chorus-e2e-pages-'));
  await cp(join(dirname(fileURLToPath(import.meta.url)), 'pages'), pagesDir, { recursive: true });
  await cp(join(kWebDir, 'demo'), pagesDir, { recursive: true });
  chorusd = await startChorusdWithSdk({ pagesDir, config: 'dev_mode: true' });
  [firefox, chromium] = await Promise.all([launchFirefox(), launchChromium()]);
});

after(async () => {
  await firefox?.close();
  await chromium?.close();
  await chorusd?.stop();
  if (pagesDir) await rm(pagesDir, { recursive: true, force: true });
});

function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, body);
}

// Closes the running test's pages (their calls end with them).
async function closeAll() {
  for (const page of pages.values()) await page.page.close();
  pages.clear();
}

test('two Firefox SDK pages see and hear each other; one hangs up', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  try {
    await reporting(t, async () => {
      await joinGroup(chorusd, pages, 'e2e-sdk-firefox-pair',
        [['firefox-a', firefox], ['firefox-b', firefox]]);
      await assertEachSeesAndHearsTheOthers(t, pages, kVp8AndOpus);
      await assertHangupRemoves(t, pages, 'firefox-b');
    });
  } finally {
    await closeAll();
  }
});

test('two Chromium and one Firefox SDK pages in a group; a Chromium page hangs up', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  try {
    await reporting(t, async () => {
      await joinGroup(chorusd, pages, 'e2e-sdk-mixed',
        [['chromium-a', chromium], ['firefox', firefox], ['chromium-b', chromium]]);
      await assertEachSeesAndHearsTheOthers(t, pages, kVp8AndOpus);
      await assertHangupRemoves(t, pages, 'chromium-b');
    });
  } finally {
    await closeAll();
  }
});

test('two Firefox SDK pages that prefer VP9 decode VP9 both ways', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  try {
    await reporting(t, async () => {
      const joined = await joinPages(firefox, chorusd, pages, 'e2e-sdk-firefox-vp9',
        ['vp9-ann', 'vp9-ben'], { preferredVideoCodec: 'VP9' });
      const [ann, ben] = [...joined.values()];
      for (const [page, from] of [[ann, ben], [ben, ann]]) {
        const first = await waitForVideo(page, from);
        const later = await waitForVideo(page, from, { previous: first });
        t.diagnostic(`${page.label} <- ${from.label}: ${JSON.stringify(later)}`);
        assert.equal(later.video.codec, 'video/VP9');
        assert.equal(later.audio.codec, 'audio/opus');
      }
    });
  } finally {
    await closeAll();
  }
});

// The demo's tiles on a page: name, whether remote, how far its video has played.
function tiles(page) {
  return page.page.evaluate(() => [...document.querySelectorAll('.tile')].map((tile) => {
    const video = tile.querySelector('video');
    return {
      remote: tile.classList.contains('remote'),
      name: tile.querySelector('.name').textContent,
      videoWidth: video.videoWidth,
      currentTime: video.currentTime,
      paused: video.paused,
    };
  }));
}

test('the demo page: a Firefox and a Chromium visitor see each other play', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  try {
    await reporting(t, async () => {
      for (const [name, browser] of [['Fay', firefox], ['Cid', chromium]]) {
        const page = await DrivenPage.open(browser, chorusd, name.toLowerCase(),
          { path: '/?room=e2e-sdk-firefox-demo' });
        pages.set(name, page);
        await page.page.fill('#name', name);
        await page.page.click('#join');
      }
      for (const [name, page] of pages) {
        const other = name === 'Fay' ? 'Cid' : 'Fay';
        const first = await pollUntil(async () => {
          const remote = (await tiles(page)).filter((tile) => tile.remote);
          const done = remote.length === 1 && remote[0].name === other &&
            remote[0].videoWidth > 0 && !remote[0].paused;
          return { done, remote };
        }, {
          timeoutMs: kMediaTimeoutMs,
          describe: (last) => `${name}'s remote tiles: ${JSON.stringify(last.remote)}`,
        });
        await pollUntil(async () => {
          const remote = (await tiles(page)).find((tile) => tile.remote);
          return { done: remote?.currentTime > first.remote[0].currentTime, remote };
        }, {
          timeoutMs: kStepTimeoutMs,
          describe: (last) => `${name}: the remote video stays at ${JSON.stringify(last.remote)}`,
        });
        t.diagnostic(`${name} sees ${JSON.stringify(first.remote[0])}`);
      }
      await pages.get('Fay').page.click('#leave');
      await pollUntil(async () => {
        const shown = await tiles(pages.get('Cid'));
        return { done: !shown.some((tile) => tile.remote), shown };
      }, {
        timeoutMs: kStepTimeoutMs,
        describe: (last) => `Cid's tiles after Fay left: ${JSON.stringify(last.shown)}`,
      });
    });
  } finally {
    await closeAll();
  }
});
