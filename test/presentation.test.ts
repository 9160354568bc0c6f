/**
 * The presentation pages in headless Chromium, against the real server: the
 * reveal.js deck, the warm-up slideshow and the live demo with a fake camera
 * that shows a real photo. Every request the browser makes is recorded, and
 * any that would leave loopback is aborted and fails the last test.
 */
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CHROMIUM_ARGS } from '../src/plots/browser-export';
import { samplePhoto } from './helpers/datasets';
import { startTestServer, type TestServer } from './helpers/server';
import { writeY4m } from './helpers/y4m';

const CHROMIUM = '/usr/bin/chromium';
const PAGE_TIMEOUT_MS = 90_000;

/** Counts the canvas pixels drawn in one of the band colours of `web/draw.js`. */
const COUNT_BAND_PIXELS = `(() => {
  const canvas = document.getElementById('canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = [[46, 125, 50], [158, 157, 36], [239, 108, 0], [198, 40, 40]];
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (colours.some(([r, g, b]) => data[i] === r && data[i + 1] === g && data[i + 2] === b)) count++;
  }
  return count;
})()`;

/** Checks that a URL stays on this machine (loopback, or in-page data and blob URLs). */
function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

let test: TestServer;
let base: string;
let browser: Browser;
const requested: string[] = [];
const blocked: string[] = [];

beforeAll(async () => {
  test = await startTestServer();
  base = test.server.url;
  // One face of a sample photo that the warm-up gallery does not contain.
  const stranger = await sharp(samplePhoto(5))
    .extract({ left: 150, top: 780, width: 640, height: 480 })
    .png()
    .toBuffer();
  const video = join(test.folder, 'camera.y4m');
  await writeY4m(stranger, video);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await test?.stop();
});

async function openPage(path: string): Promise<Page> {
  const context = await browser.newContext();
  context.on('request', (request) => requested.push(request.url()));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  await page.goto(`${base}${path}`);
  return page;
}

async function labelsOf(page: Page): Promise<string[]> {
  const text = await page.locator('#faces').getAttribute('data-labels');
  return JSON.parse(text ?? '[]') as string[];
}

describe('deck', () => {
  it('loads every part and moves to the next slide', async () => {
    const page = await openPage('/slides/');
    await page.waitForFunction('window.Reveal && window.Reveal.isReady()');
    for (const id of [
      'introduction',
      'how-it-works',
      'training',
      'accuracy',
      'performance',
      'live-demo',
      'technologies',
      'conclusion',
    ]) {
      expect(await page.locator(`section#${id}`).count(), id).toBe(1);
    }
    expect(await page.locator('aside.notes').count()).toBeGreaterThanOrEqual(8);
    expect(
      await page.locator('#live-demo iframe').getAttribute('data-src'),
    ).toBe('/demo?embedded=1');
    expect(await page.evaluate('Reveal.getIndices().h')).toBe(0);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction('Reveal.getIndices().h === 1');
    expect(await page.evaluate('Reveal.getCurrentSlide().id')).toBe('');
    expect(
      await page.evaluate('Reveal.getCurrentSlide().parentElement.id'),
    ).toBe('how-it-works');
    await page.context().close();
  });
});

describe('warm-up slideshow', () => {
  it('draws predictions on three images, stepping with arrows', async () => {
    const page = await openPage('/slideshow?interval=600');
    for (const name of ['known', 'stranger', 'look-alike']) {
      await page
        .locator(`#slide[data-state="shown"][data-image="${name}"]`)
        .waitFor();
      const labels = await labelsOf(page);
      expect(labels.length, name).toBeGreaterThan(0);
      expect(
        (await page.locator('#caption').textContent())?.length,
        name,
      ).toBeGreaterThan(20);
      expect(
        await page.evaluate<number>(COUNT_BAND_PIXELS),
        name,
      ).toBeGreaterThan(200);
      if (name === 'known') expect(labels).toContain('person-3');
      if (name === 'stranger')
        expect(new Set(labels)).toEqual(new Set(['unknown']));
      const known = labels.filter((label) => label !== 'unknown');
      expect(new Set(known).size, name).toBe(known.length);
      expect(await page.locator('#status').textContent(), name).toContain(
        'unknown above distance 0.345',
      );
      await page.keyboard.press('ArrowRight');
    }
    await page.keyboard.press(' ');
    await page.locator('body[data-paused="true"]').waitFor();
    await page.keyboard.press(' ');
    await page.locator('body[data-paused="false"]').waitFor();
    await page.context().close();
  });

  it('reports an invalid interval and uses the default', async () => {
    const page = await openPage('/slideshow?interval=0.1');
    await page.locator('#slide[data-state="shown"]').waitFor();
    expect(await page.locator('#status').textContent()).toContain(
      'interval=0.1 is invalid',
    );
    await page.context().close();
  });
});

describe('live demo', () => {
  it('draws a box and enrolls the person at the camera', async () => {
    const page = await openPage('/demo');
    await page.locator('body[data-camera="on"]').waitFor();
    await page.waitForFunction(
      "Number(document.getElementById('faces').dataset.frames) >= 1",
    );
    const before = await labelsOf(page);
    expect(before.length).toBeGreaterThan(0);
    expect(before).not.toContain('Stage Guest');

    await page.locator('#name').fill('Stage Guest');
    await page.locator('#enroll button').click();
    await page
      .locator('#enroll-status', { hasText: /Enrolled Stage Guest|failed/ })
      .waitFor();
    expect(await page.locator('#enroll-status').textContent()).toContain(
      'Enrolled Stage Guest',
    );
    await page.waitForFunction(
      "JSON.parse(document.getElementById('faces').dataset.labels || '[]').includes('Stage Guest')",
    );
    expect(await page.evaluate<number>(COUNT_BAND_PIXELS)).toBeGreaterThan(200);
    const gallery = (await (await fetch(`${base}/api/gallery`)).json()) as {
      people: { label: string }[];
    };
    expect(gallery.people.map((person) => person.label)).toContain(
      'Stage Guest',
    );
    await page.context().close();
  });
});

describe('live demo without a camera', () => {
  it('explains a denied camera', async () => {
    const context = await browser.newContext();
    // The fake-camera flags grant every request, so the page's own check
    // meets the error a browser raises when the user denies the camera.
    await context.addInitScript(
      "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));",
    );
    context.on('request', (request) => requested.push(request.url()));
    const page = await context.newPage();
    await page.goto(`${base}/demo`);
    await page.locator('body[data-camera="unavailable"]').waitFor();
    expect(await page.locator('#status').textContent()).toContain(
      'Camera access was denied',
    );
    expect(await page.locator('#status').getAttribute('data-kind')).toBe(
      'error',
    );
    await context.close();
  });
});

describe('offline', () => {
  it('keeps every browser request on loopback', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(blocked).toEqual([]);
    expect(requested.filter((url) => !isLocal(url))).toEqual([]);
  });
});
