// The demo page (web/demo, served at `/` as `make run` serves it, with dev_mode's token
// endpoint): two Chromium pages open a shared link `/?room=...`, enter a name and join; each
// shows its own preview and one remote tile, named after the other, whose video plays; when
// one leaves, the other's remote tile goes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';

import { launchChromium } from './support/chromium.mjs';
import { reportingFailure } from './support/testPage.mjs';
import { pollUntil } from './support/timing.mjs';
import { DrivenPage, kWebDir, startChorusdWithSdk } from './sdkPages.mjs';

const kRoom = 'e2e-demo';
const kStepTimeoutMs = 15_000;
const kMediaTimeoutMs = 25_000;
const kTestTimeoutMs = 60_000;

let chorusd;
let browser;
const pages = new Map();

before(async () => {
  chorusd = await startChorusdWithSdk({
    pagesDir: join(kWebDir, 'demo'),
    config: 'dev_mode: true',
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chorusd?.stop();
});

function reporting(t, body) {
  return reportingFailure(t, { chorusd, pages: () => [...pages.values()] }, body);
}

// The tiles the page shows: name, whether remote, and how far its video has played.
function tiles(page) {
  return page.page.evaluate(() => [...document.querySelectorAll('.tile')].map((tile) => {
    const video = tile.querySelector('video');
    return {
      participantId: tile.dataset.participantId,
      remote: tile.classList.contains('remote'),
      name: tile.querySelector('.name').textContent,
      readyState: video.readyState,
      videoWidth: video.videoWidth,
      currentTime: video.currentTime,
      paused: video.paused,
    };
  }));
}

test('two people join by a shared link and each sees the other play', {
  timeout: kTestTimeoutMs,
}, async (t) => {
  await reporting(t, async () => {
    for (const name of ['Ann', 'Ben']) {
      const page = await DrivenPage.open(browser, chorusd, name.toLowerCase(),
        { path: `/?room=${kRoom}` });
      pages.set(name, page);
      assert.equal(await page.page.inputValue('#room'), kRoom, 'the link fills in the room');
      await page.page.fill('#name', name);
      await page.page.click('#join');
    }
    for (const [name, page] of pages) {
      const other = name === 'Ann' ? 'Ben' : 'Ann';
      const first = await pollUntil(async () => {
        const shown = await tiles(page);
        const remote = shown.filter((tile) => tile.remote);
        const done = shown.some((tile) => !tile.remote) && remote.length === 1 &&
          remote[0].name === other && remote[0].readyState >= 2 && remote[0].videoWidth > 0 &&
          !remote[0].paused;
        return { done, shown, remote: remote[0] };
      }, {
        timeoutMs: kMediaTimeoutMs,
        describe: (last) => `${name}'s tiles: ${JSON.stringify(last.shown)}`,
      });
      // Playing, not frozen: the remote video's time moves on.
      await pollUntil(async () => {
        const remote = (await tiles(page)).find((tile) => tile.remote);
        return { done: remote?.currentTime > first.remote.currentTime, remote };
      }, {
        timeoutMs: kStepTimeoutMs,
        describe: (last) => `${name}: the remote video stays at ${JSON.stringify(last.remote)}`,
      });
      t.diagnostic(`${name} sees ${JSON.stringify(first.remote)}`);
      assert.equal(new URL(page.page.url()).searchParams.get('room'), kRoom);
    }
  });
});

test('one leaves: the other page removes that tile', { timeout: kTestTimeoutMs }, async (t) => {
  await reporting(t, async () => {
    assert.equal(pages.size, 2, 'the first test did not join two pages');
    await pages.get('Ben').page.click('#leave');
    const ann = pages.get('Ann');
    await pollUntil(async () => {
      const shown = await tiles(ann);
      return { done: shown.filter((tile) => tile.remote).length === 0, shown };
    }, {
      timeoutMs: kStepTimeoutMs,
      describe: (last) => `Ann's tiles after Ben left: ${JSON.stringify(last.shown)}`,
    });
    t.diagnostic('Ann no longer shows Ben');
  });
});
