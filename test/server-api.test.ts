/**
 * The HTTP API of `facelab serve` over real HTTP: one server with the real
 * models for the whole file, the warm-up people enrolled at start, and
 * uploads of real photos and of broken files written at test time.
 */
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listLabelledFolder } from '../src/cli/labelled-folder';
import { Gallery } from '../src/prediction/gallery';
import { loadGallery, saveGallery } from '../src/prediction/gallery-file';
import type { IdentifyResponse } from '../src/server/api';
import { QueueFullError, TaskQueue } from '../src/server/queue';
import { startServer } from '../src/server/server';
import { chooseServerThreshold } from '../src/server/threshold';
import { bandLimitsFor } from '../src/models/calibration';
import { samplePhoto } from './helpers/datasets';
import { startTestServer, type TestServer } from './helpers/server';

const UPLOAD_LIMIT = 2 * 1024 * 1024;

let test: TestServer;
let base: string;
let knownPhoto: Buffer;

beforeAll(async () => {
  test = await startTestServer({ maxUploadBytes: UPLOAD_LIMIT });
  base = test.server.url;
  knownPhoto = readFileSync(join(test.folder, 'warmup/images/known.jpg'));
});

afterAll(async () => {
  await test?.stop();
});

interface HealthBody {
  status: string;
  backend: string;
  detector: string;
  model: string;
  threshold: { value: number; source: string };
  gallery: { people: number; photos: number };
}

interface EnrollBody {
  label: string;
  photos: number;
  gallery: { people: number; photos: number };
}

interface GalleryBody {
  people: { label: string; count: number }[];
}

interface ErrorBody {
  error: { code: string; message: string };
}

function post(path: string, body: Uint8Array | string, type: string) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': type },
    body,
  });
}

/** GET with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const url = new URL(base);
    const request = httpRequest(
      { host: url.hostname, port: url.port, path, method: 'GET' },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => done({ status: response.statusCode!, body }));
      },
    );
    request.on('error', fail);
    request.end();
  });
}

describe('GET /api/health', () => {
  it('reports the backend, models and gallery', async () => {
    const response = await fetch(`${base}/api/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthBody;
    expect(body.status).toBe('ok');
    expect(['wasm', 'cpu', 'tfjs-node', 'tfjs-node-gpu']).toContain(
      body.backend,
    );
    expect(body.detector).toBe('mtcnn');
    expect(body.model).toMatch(/^faceapi-recognition-128/);
    expect(body.gallery.people).toBe(3);
  });

  it('reports the open-set threshold', async () => {
    const body = (await (
      await fetch(`${base}/api/health`)
    ).json()) as HealthBody;

    expect(body.threshold).toEqual({ value: 0.345, source: 'open-set' });
  });
});

describe('chooseServerThreshold', () => {
  it('names the generic fallback', () => {
    const model = 'uncalibrated-test-model';

    expect(chooseServerThreshold(model)).toEqual({
      value: bandLimitsFor(model).limits.threshold,
      source: 'generic',
    });
  });

  it('prefers the option', () => {
    expect(chooseServerThreshold('uncalibrated-test-model', 0.5)).toEqual({
      value: 0.5,
      source: 'option',
    });
  });
});

describe('startServer', () => {
  it('rejects another model gallery before warm-up', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'facelab-other-model-'));
    const galleryPath = join(folder, 'gallery.json');
    await saveGallery(new Gallery('other-model', 4), galleryPath);

    await expect(
      startServer({
        host: '127.0.0.1',
        port: 0,
        galleryPath,
        warmupFolder: join(folder, 'warmup'),
        maxUploadBytes: UPLOAD_LIMIT,
        queueCapacity: 1,
        pipeline: {},
      }),
    ).rejects.toThrow(/other-model/);
    expect(existsSync(join(folder, 'warmup'))).toBe(false);
    rmSync(folder, { recursive: true, force: true });
  });

  it('rejects a threshold above 2 before loading', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'facelab-threshold-'));
    const folder = join(parent, 'server');

    await expect(
      startServer({
        host: '127.0.0.1',
        port: 0,
        galleryPath: join(folder, 'gallery.json'),
        warmupFolder: join(folder, 'warmup'),
        maxUploadBytes: UPLOAD_LIMIT,
        queueCapacity: 1,
        pipeline: {},
        threshold: 3,
      }),
    ).rejects.toThrow(/threshold 3 is invalid/);
    expect(existsSync(folder)).toBe(false);
    rmSync(parent, { recursive: true, force: true });
  });

  it('names a host that is no address here', async () => {
    await expect(startTestServer({ host: '999.1.1.1' })).rejects.toThrow(
      'cannot listen on host 999.1.1.1',
    );
  });
});

describe('POST /api/identify', () => {
  it('identifies a known face in a photo', async () => {
    const response = await post('/api/identify', knownPhoto, 'image/jpeg');
    expect(response.status).toBe(200);
    const body = (await response.json()) as IdentifyResponse;
    expect(body.width).toBeGreaterThan(0);
    expect(body.faces.length).toBeGreaterThanOrEqual(1);
    const labels = body.faces.map((face) => face.label);
    expect(labels).toContain('person-3');
    expect(body.threshold).toBe(0.345);
    for (const face of body.faces) {
      expect(face.landmarks5).toHaveLength(5);
      expect(face.box.width).toBeGreaterThan(20);
      expect(typeof face.distance).toBe('number');
      expect(['confident', 'likely', 'unlikely', 'far']).toContain(face.band);
    }
  });

  it('labels no two faces of sample2 alike', async () => {
    // Both faces that MTCNN finds in sample2, two different women, are
    // within the verification threshold 0.417 of the warm-up person-2.
    const photo = readFileSync(samplePhoto(2));

    const body = (await (
      await post('/api/identify', photo, 'image/jpeg')
    ).json()) as IdentifyResponse;

    expect(body.faces).toHaveLength(2);
    const labels = body.faces
      .map((face) => face.label)
      .filter((name) => name !== 'unknown');
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('gives an enrolled label to one face of sample2', async () => {
    const label = 'Sample Two';
    const photo = readFileSync(samplePhoto(2));
    // Enrollment takes the largest face of the photo.
    const enrolled = await post(
      `/api/enroll?label=${encodeURIComponent(label)}`,
      photo,
      'image/jpeg',
    );
    try {
      expect(enrolled.status).toBe(201);

      const body = (await (
        await post('/api/identify', photo, 'image/jpeg')
      ).json()) as IdentifyResponse;

      expect(body.faces).toHaveLength(2);
      const labelled = body.faces.filter((face) => face.label === label);
      expect(labelled).toHaveLength(1);
      expect(labelled[0]!.distance).toBeLessThan(0.05);
    } finally {
      await fetch(`${base}/api/gallery/${encodeURIComponent(label)}`, {
        method: 'DELETE',
      });
    }
  });

  it('returns no faces for an image without a face', async () => {
    const blank = await sharp({
      create: { width: 320, height: 240, channels: 3, background: '#8090a0' },
    })
      .png()
      .toBuffer();
    const response = await post('/api/identify', blank, 'image/png');
    expect(response.status).toBe(200);
    expect(((await response.json()) as IdentifyResponse).faces).toEqual([]);
  });

  it('rejects a truncated JPEG with 422', async () => {
    const response = await post(
      '/api/identify',
      knownPhoto.subarray(0, 3000),
      'image/jpeg',
    );
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toMatch(/^image-(truncated|corrupt)$/);
    expect(body.error.message).toMatch(/again/);
  });

  it('rejects a corrupt JPEG with 422', async () => {
    const corrupt = Buffer.alloc(4000, 0x5a);
    corrupt.set([0xff, 0xd8, 0xff, 0xe0]);
    const response = await post('/api/identify', corrupt, 'image/jpeg');
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toMatch(/^image-(corrupt|truncated)$/);
  });

  it('rejects an upload over the limit with 413', async () => {
    const large = Buffer.concat([knownPhoto, Buffer.alloc(UPLOAD_LIMIT)]);
    const response = await post('/api/identify', large, 'image/jpeg');
    expect(response.status).toBe(413);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('payload-too-large');
    expect(body.error.message).toContain(String(UPLOAD_LIMIT));
  });

  it('rejects a non-image content type with 415', async () => {
    const response = await post('/api/identify', 'hello', 'text/plain');
    expect(response.status).toBe(415);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('unsupported-media-type');
    expect(body.error.message).toContain('text/plain');
  });

  it('rejects text sent as an image with 415', async () => {
    const response = await post(
      '/api/identify',
      'this is not a picture',
      'image/png',
    );
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error.code).toBe(
      'image-unsupported',
    );
  });

  it('rejects GET with 405', async () => {
    const response = await fetch(`${base}/api/identify`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers a burst beyond the queue with 503', async () => {
    const small = await sharp(knownPhoto).resize({ width: 480 }).toBuffer();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        post('/api/identify', small, 'image/jpeg'),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(
      0,
    );
    const busy = responses.filter((response) => response.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.headers.get('retry-after')).toBe('1');
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(
      true,
    );
  });
});

describe('gallery endpoints', () => {
  const label = 'Ada Lovelace';

  it('rejects a missing or invalid label with 400', async () => {
    const cases = [
      ['/api/enroll', 'label-missing'],
      ['/api/enroll?label=%20%20', 'label-invalid'],
      ['/api/enroll?label=a%0Ab', 'label-invalid'],
      [`/api/enroll?label=${'x'.repeat(101)}`, 'label-invalid'],
      ['/api/enroll?label=%E0%A4%A', 'bad-query'],
      ['/api/enroll?label=abc%', 'bad-query'],
      ['/api/enroll?label=%E0%A4', 'bad-query'],
      ['/api/enroll?label=a%EF%BF%BDb', 'label-invalid'],
    ];
    for (const [path, code] of cases) {
      const response = await post(path!, knownPhoto, 'image/jpeg');
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code, path).toBe(
        code,
      );
    }
  });

  it('rejects enrollment without a face with 422', async () => {
    const blank = await sharp({
      create: { width: 200, height: 200, channels: 3, background: '#000' },
    })
      .jpeg()
      .toBuffer();
    const response = await post(
      `/api/enroll?label=${encodeURIComponent(label)}`,
      blank,
      'image/jpeg',
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).error.code).toBe('no-face');
  });

  it('enrolls, lists, saves and deletes a person', async () => {
    const stranger = await sharp(samplePhoto(5))
      .extract({ left: 150, top: 780, width: 640, height: 480 })
      .jpeg()
      .toBuffer();
    const enrolled = await post(
      `/api/enroll?label=${encodeURIComponent(label)}`,
      stranger,
      'image/jpeg',
    );
    expect(enrolled.status).toBe(201);
    const body = (await enrolled.json()) as EnrollBody;
    expect(body.label).toBe(label);
    expect(body.photos).toBe(1);
    expect(body.gallery.people).toBe(4);

    const listed = (await (
      await fetch(`${base}/api/gallery`)
    ).json()) as GalleryBody;
    expect(listed.people).toContainEqual({ label, count: 1 });
    const saved = await loadGallery(test.galleryPath);
    expect(saved?.labels()).toContainEqual({ label, count: 1 });

    const identified = (await (
      await post('/api/identify', stranger, 'image/jpeg')
    ).json()) as IdentifyResponse;
    expect(identified.faces.map((face) => face.label)).toContain(label);

    const path = `/api/gallery/${encodeURIComponent(label)}`;
    const deleted = await fetch(`${base}${path}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { removed: number }).removed).toBe(1);
    const after = await loadGallery(test.galleryPath);
    expect(after?.labels().map((entry) => entry.label)).not.toContain(label);

    const again = await fetch(`${base}${path}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(((await again.json()) as ErrorBody).error.code).toBe(
      'label-not-found',
    );
  });
});

describe('static files', () => {
  it('serves the pages and reveal.js', async () => {
    for (const path of ['/', '/demo', '/slideshow', '/slides/']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain('text/html');
    }
    const reveal = await fetch(`${base}/vendor/reveal/dist/reveal.js`);
    expect(reveal.status).toBe(200);
  });

  it('rejects paths that leave their folder', async () => {
    const attempts = [
      '/web/..%2f..%2fpackage.json',
      '/web/%2e%2e%2f%2e%2e%2fpackage.json',
      '/web/..%5c..%5cpackage.json',
      '/web/%252e%252e%252fpackage.json',
      '/slides/../package.json',
      '/warmup/..%2f..%2f..%2fetc%2fpasswd',
      '/vendor/reveal/dist/..%2f..%2f..%2f..%2fpackage.json',
      '/web/%00.html',
      '/web/%E0%A4%A',
    ];
    for (const path of attempts) {
      const response = await rawGet(path);
      expect([400, 403, 404], path).toContain(response.status);
      expect(response.body, path).not.toContain('"name"');
      expect(response.body, path).not.toContain('root:');
      expect(JSON.parse(response.body).error.code, path).toBeTypeOf('string');
    }
  });
});

describe('TaskQueue', () => {
  it('runs tasks in order, one at a time', async () => {
    const queue = new TaskQueue(3);
    const order: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running++;
      expect(running).toBe(1);
      await new Promise((done) => setTimeout(done, 5));
      order.push(name);
      running--;
      return name;
    };
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) => queue.run(task(name))),
    );
    expect(results).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(queue.pending).toBe(0);
  });

  it('rejects a task when full and recovers after', async () => {
    const queue = new TaskQueue(1);
    const first = queue.run(async () => 1);
    expect(() => queue.run(async () => 2)).toThrow(QueueFullError);
    await first;
    await expect(queue.run(async () => 3)).resolves.toBe(3);
  });

  it('keeps running after a failed task', async () => {
    const queue = new TaskQueue(2);
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});

describe('labelled folder enrollment', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'facelab-people-'));
    cpSync(join(test.folder, 'warmup/people'), folder, { recursive: true });
    mkdirSync(join(folder, 'empty-person'));
    writeFileSync(join(folder, 'person-1', 'broken.jpg'), 'not an image');
    writeFileSync(join(folder, 'notes.txt'), 'ignored: not a sub-folder');
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('lists sub-folders as labels', async () => {
    const people = await listLabelledFolder(folder);
    expect(people.map((person) => person.label)).toEqual([
      'person-1',
      'person-2',
      'person-3',
    ]);
    expect(people[0]!.paths).toHaveLength(2);
  });

  it('rejects a folder without sub-folders', async () => {
    const flat = mkdtempSync(join(tmpdir(), 'facelab-flat-'));
    try {
      await expect(listLabelledFolder(flat)).rejects.toThrow(
        /no sub-folder with images/,
      );
      await expect(listLabelledFolder(join(flat, 'missing'))).rejects.toThrow(
        /cannot read the labelled folder/,
      );
    } finally {
      rmSync(flat, { recursive: true, force: true });
    }
  });

  it('enrolls a folder from the command line', async () => {
    const galleryPath = join(folder, 'talk-gallery.json');
    const run = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'enroll',
          '--from-folder',
          folder,
          '--gallery',
          galleryPath,
          '--no-cache',
        ],
        { cwd: resolve(__dirname, '..') },
        (error, stdout) =>
          done({ code: error === null ? 0 : Number(error.code), stdout }),
      );
    });
    // The broken file is reported and skipped, which makes the exit code 1.
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('enrolled 3 photo(s) of 3 new people');
    const gallery = await loadGallery(galleryPath);
    expect(gallery?.labels()).toEqual([
      { label: 'person-1', count: 1 },
      { label: 'person-2', count: 1 },
      { label: 'person-3', count: 1 },
    ]);
  });
});

describe('facelab serve', () => {
  it('prints the URLs and stops on SIGTERM', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'facelab-serve-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        '--port',
        '0',
        '--no-people',
        '--no-cache',
        '--gallery',
        join(folder, 'gallery.json'),
        '--warmup-dir',
        join(folder, 'warmup'),
      ],
      {
        cwd: resolve(__dirname, '..'),
        env: { ...process.env, FACELAB_LOG_LEVEL: 'info' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) =>
      child.on('exit', (code) => done(code)),
    );
    try {
      const url = await new Promise<string>((done, fail) => {
        const check = setInterval(() => {
          const match = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (match !== null) {
            clearInterval(check);
            done(match[1]!);
          }
        }, 100);
        void exited.then((code) => {
          clearInterval(check);
          fail(
            new Error(`serve exited with ${code} before listening: ${stderr}`),
          );
        });
      });
      expect(stdout).toContain(`${url}/slides/`);
      expect(stdout).toContain(`${url}/slideshow`);
      expect(stdout).toContain(`${url}/demo`);
      const health = (await (
        await fetch(`${url}/api/health`)
      ).json()) as HealthBody;
      expect(health.gallery.people).toBe(0);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('SIGTERM received');
      expect(stderr).toContain('stopped');
    } finally {
      child.kill('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
