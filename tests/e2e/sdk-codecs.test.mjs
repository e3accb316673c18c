// Video codecs (issue 7, case 5): a call whose first publisher prefers VP9 and one that prefers
// H.264 (SDK option preferredVideoCodec), in Chromium. Each room takes the preferred codec, and
// both pages decode each other's video in it: framesDecoded grows, and getStats' inbound-rtp
// codec (codecId → codec mimeType) is the preferred one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { kApplication, kSecret } from './support/chorusd.mjs';
import { chromiumSdkSuite } from './sdkPages.mjs';
import { joinPages, kStepTimeoutMs, waitForVideo } from './sdkCalls.mjs';

const kPagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');
const kTestTimeoutMs = 45_000;

const suite = chromiumSdkSuite(kPagesDir);
const { pages, reporting } = suite;

for (const codec of ['VP9', 'H264']) {
  test(`a call with ${codec} preferred decodes ${codec} both ways`, {
    timeout: kTestTimeoutMs,
  }, async (t) => {
    await reporting(t, async () => {
      pages.clear();
      const room = `e2e-sdk-${codec.toLowerCase()}`;
      const labels = [`${codec.toLowerCase()}-ann`, `${codec.toLowerCase()}-ben`];
      const joined = await joinPages(suite.browser, suite.chorusd, pages, room, labels,
        { preferredVideoCodec: codec });
      const [ann, ben] = [...joined.values()];
      for (const [page, from] of [[ann, ben], [ben, ann]]) {
        const first = await waitForVideo(page, from);
        const later = await waitForVideo(page, from, { previous: first });
        t.diagnostic(`${page.label} <- ${from.label}: ${JSON.stringify(later)}`);
        assert.equal(later.video.codec, `video/${codec}`);
        assert.equal(later.audio.codec, 'audio/opus');
      }
      // The room's codec, as the REST API tells it.
      const credentials = Buffer.from(`${kApplication}:${kSecret}`).toString('base64');
      const response = await fetch(`${suite.chorusd.baseUrl}/api/v1/rooms/${room}`,
        { headers: { authorization: `Basic ${credentials}` } });
      assert.equal((await response.json()).video_codec, codec);
      for (const page of [ann, ben]) await page.call('hangup', undefined, kStepTimeoutMs);
      for (const page of [ann, ben]) await page.page.close();
    });
  });
}
