/**
 * The `facelab` command line as a user runs it: a real process with the real
 * models, on LFW photos and on broken files written at test time. Each run
 * that analyses images loads the models (3 to 7 s measured on a 2-core CPU
 * with the wasm backend), so the tests share one `enroll` and one `identify`
 * run.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ImageResult } from '../src/output/result';
import { runCli, type CliRun } from './helpers/cli';
import { lfwFolder, lfwImage, samplePhoto } from './helpers/datasets';

const folder = lfwFolder();
const LABEL = 'George_W_Bush';
const RUN_TIMEOUT_MS = 180_000;

/** Parses the people listed by `facelab gallery list --json`. */
function peopleIn(run: CliRun): { label: string; count: number }[] {
  return (
    JSON.parse(run.stdout) as { people: { label: string; count: number }[] }
  ).people;
}

type InputName =
  'same' | 'other' | 'truncated' | 'text' | 'dot' | 'blank' | 'missing';

describe.skipIf(!folder)('facelab CLI', () => {
  let workFolder: string;
  let galleryPath: string;
  let annotateFolder: string;
  let env: NodeJS.ProcessEnv;
  /** The files passed to `identify`. */
  let inputs: Record<InputName, string>;

  let enroll: CliRun;
  let identify: CliRun;
  let results: ImageResult[];

  function photo(person: string, index: number): string {
    if (folder === undefined) throw new Error('FACELAB_DATASETS is not set');
    return lfwImage(folder, person, index);
  }

  function resultFor(name: InputName): ImageResult {
    const result = results.find((item) => item.source === inputs[name]);
    expect(result, `no result for ${inputs[name]}`).toBeDefined();
    return result as ImageResult;
  }

  beforeAll(async () => {
    workFolder = mkdtempSync(join(tmpdir(), 'facelab-cli-'));
    galleryPath = join(workFolder, 'gallery.json');
    annotateFolder = join(workFolder, 'annotated');
    env = {
      ...process.env,
      FACELAB_CACHE: join(workFolder, 'cache'),
      FACELAB_GALLERY: galleryPath,
    };
    inputs = {
      same: photo(LABEL, 3),
      other: photo('Aaron_Eckhart', 1),
      truncated: join(workFolder, 'truncated.jpg'),
      text: join(workFolder, 'notes.jpg'),
      dot: join(workFolder, 'dot.png'),
      blank: join(workFolder, 'blank.png'),
      missing: join(workFolder, 'missing.jpg'),
    };

    const jpeg = readFileSync(photo(LABEL, 4));
    writeFileSync(
      inputs.truncated,
      jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    );
    writeFileSync(inputs.text, 'shopping list: milk, eggs\n');
    await sharp({
      create: { width: 1, height: 1, channels: 3, background: '#808080' },
    })
      .png()
      .toFile(inputs.dot);
    // A uniform grey square: a valid image with no face in it.
    await sharp({
      create: { width: 250, height: 250, channels: 3, background: '#808080' },
    })
      .png()
      .toFile(inputs.blank);

    enroll = await runCli(
      ['enroll', LABEL, photo(LABEL, 1), photo(LABEL, 2)],
      env,
    );
    identify = await runCli(
      [
        'identify',
        '--json',
        '--annotate',
        annotateFolder,
        inputs.same,
        inputs.other,
        inputs.truncated,
        inputs.text,
        inputs.dot,
        inputs.blank,
        inputs.missing,
      ],
      env,
    );
    results = identify.stdout.trim().startsWith('[')
      ? (JSON.parse(identify.stdout) as ImageResult[])
      : [];
  }, 2 * RUN_TIMEOUT_MS);

  afterAll(() => {
    rmSync(workFolder, { recursive: true, force: true });
  });

  it('enroll saves gallery file', () => {
    expect(enroll.stderr).not.toContain('error');
    expect(enroll.code).toBe(0);
    expect(enroll.stdout).toContain('enrolled 2 photo(s)');
    expect(existsSync(galleryPath)).toBe(true);
  });

  it('identify prints JSON for every file', () => {
    expect(identify.stdout.trim().startsWith('[')).toBe(true);
    expect(results.map((result) => result.source)).toEqual([
      inputs.same,
      inputs.other,
      inputs.truncated,
      inputs.text,
      inputs.dot,
      inputs.blank,
      inputs.missing,
    ]);
  });

  it('identify exits 1 when a file fails', () => {
    expect(identify.code).toBe(1);
  });

  it('identify labels enrolled person', () => {
    const result = resultFor('same');
    expect(result.error).toBeUndefined();
    expect(result.faces).toHaveLength(1);
    expect(result.faces[0]?.label).toBe(LABEL);
  });

  it('identify calls other person unknown', () => {
    const same = resultFor('same').faces[0];
    const other = resultFor('other');
    expect(other.error).toBeUndefined();
    expect(other.faces).toHaveLength(1);
    expect(other.faces[0]?.label).toBe('unknown');
    expect(other.faces[0]?.distance).toBeGreaterThan(
      same?.distance ?? Infinity,
    );
  });

  it.each([
    { name: 'truncated', reason: 'truncated image' },
    { name: 'text', reason: 'unsupported image format' },
    { name: 'missing', reason: 'file not found' },
  ] as const)('identify reports $name file', ({ name, reason }) => {
    const result = resultFor(name);
    expect(result.faces).toEqual([]);
    expect(result.error).toContain(inputs[name]);
    expect(result.error).toContain(reason);
    expect(identify.stderr).toContain(`${inputs[name]}: ${reason}`);
  });

  it.each(['dot', 'blank'] as const)(
    'identify finds no face in %s image',
    (name) => {
      const result = resultFor(name);
      expect(result.error).toBeUndefined();
      expect(result.faces).toEqual([]);
    },
  );

  it('identify --annotate writes good inputs', async () => {
    for (const name of ['same', 'other'] as const) {
      const base = basename(inputs[name], '.jpg');
      const annotated = join(annotateFolder, `${base}.jpg`);
      expect(existsSync(annotated), annotated).toBe(true);
      const metadata = await sharp(annotated).metadata();
      expect(metadata.format).toBe('jpeg');
      expect(metadata.width).toBe(250);
      expect(metadata.height).toBe(250);
    }
    expect(existsSync(join(annotateFolder, 'truncated.jpg'))).toBe(false);
    expect(existsSync(join(annotateFolder, 'notes.jpg'))).toBe(false);
    expect(identify.stderr).toContain(
      `annotated JPEG copies (NAME.jpg, whatever the input format) to ${annotateFolder}`,
    );
  });

  it(
    'gallery list shows enrolled label',
    async () => {
      const run = await runCli(['gallery', 'list', '--json'], env);

      expect(run.code).toBe(0);
      expect(peopleIn(run)).toEqual([{ label: LABEL, count: 2 }]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'enroll rejects image without face',
    async () => {
      const before = readFileSync(galleryPath);

      const run = await runCli(['enroll', 'Nobody', inputs.blank], env);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${inputs.blank}: no face found`);
      expect(run.stderr).toContain('nothing was enrolled');
      expect(run.stdout).toBe('');
      expect(readFileSync(galleryPath).equals(before)).toBe(true);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'enroll keeps good photos beside faceless one',
    async () => {
      const otherGallery = join(workFolder, 'mixed-gallery.json');

      const run = await runCli(
        [
          'enroll',
          '--gallery',
          otherGallery,
          LABEL,
          photo(LABEL, 5),
          inputs.blank,
        ],
        env,
      );
      const list = await runCli(
        ['gallery', 'list', '--json', '--gallery', otherGallery],
        env,
      );

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${inputs.blank}: no face found`);
      expect(run.stdout).toContain(`enrolled 1 photo(s) of "${LABEL}"`);
      expect(peopleIn(list)).toEqual([{ label: LABEL, count: 1 }]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'gallery remove deletes label',
    async () => {
      const run = await runCli(['gallery', 'remove', LABEL], env);
      const list = await runCli(['gallery', 'list', '--json'], env);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`removed 2 photo(s) of "${LABEL}"`);
      const listing = JSON.parse(list.stdout) as { people: unknown[] };
      expect(listing.people).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'gallery remove rejects missing label',
    async () => {
      const run = await runCli(['gallery', 'remove', 'Nobody'], env);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('"Nobody" is not in');
    },
    RUN_TIMEOUT_MS,
  );

  it.each([
    { name: 'unknown option', args: ['identify', '--colour', 'red', 'x.jpg'] },
    {
      name: 'unknown detector',
      args: ['identify', '--detector', 'nope', 'x.jpg'],
    },
    {
      name: 'unknown embedder',
      args: ['identify', '--embedder', 'nope', 'x.jpg'],
    },
    {
      name: 'empty embedder',
      args: ['identify', '--embedder', '', 'x.jpg'],
      message: 'the value is empty',
    },
    { name: 'missing argument', args: ['enroll', LABEL] },
  ])(
    'usage error exits 2 for $name',
    async ({ args, message }) => {
      const run = await runCli(args, env);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('error:');
      if (message !== undefined) expect(run.stderr).toContain(message);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'identify gives one face each label',
    async () => {
      const label = 'Sample Two';
      const sampleGallery = join(workFolder, 'sample2-gallery.json');
      // Enrollment takes the largest face. The other woman is a different
      // person about 0.41 from her, so at the threshold 0.6 both faces would
      // match without the one-face-per-label rule.
      const enrolled = await runCli(
        ['enroll', '--gallery', sampleGallery, label, samplePhoto(2)],
        env,
      );
      const run = await runCli(
        [
          'identify',
          '--json',
          '--gallery',
          sampleGallery,
          '--threshold',
          '0.6',
          samplePhoto(2),
        ],
        env,
      );

      expect(enrolled.code).toBe(0);
      expect(run.code).toBe(0);
      const [result] = JSON.parse(run.stdout) as ImageResult[];
      expect(result!.faces).toHaveLength(2);
      const labels = result!.faces.map((face) => face.label);
      expect(labels.filter((name) => name === label)).toHaveLength(1);
      const other = result!.faces.find((face) => face.label !== label);
      expect(other!.label).toBe('unknown');
      expect(other!.nearestLabel).toBe(label);
      expect(other!.distance).toBeLessThan(0.6);
    },
    2 * RUN_TIMEOUT_MS,
  );

  it(
    'identify rejects file as --annotate',
    async () => {
      const run = await runCli(
        ['identify', '--annotate', inputs.text, inputs.same],
        env,
      );

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `--annotate ${inputs.text}: cannot create the folder`,
      );
      expect(run.stdout).toBe('');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'eval lfw rejects missing pairs file',
    async () => {
      const pairs = join(workFolder, 'missing-pairs.txt');

      const run = await runCli(['eval', 'lfw', '--pairs', pairs], env);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`pairs file ${pairs} not found`);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'gallery rejects unknown subcommand',
    async () => {
      const run = await runCli(['gallery', 'bogus'], env);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain("unknown subcommand 'gallery bogus'");
      expect(run.stderr).toContain('use one of: list, remove');
      expect(run.stderr).not.toContain('too many arguments');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'gallery list rejects argument',
    async () => {
      const run = await runCli(['gallery', 'list', 'extra'], env);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain("'gallery list' takes no arguments");
    },
    RUN_TIMEOUT_MS,
  );

  it.each([
    {
      args: ['--pairs-per-kind', '10'],
      fix: '--folds 2 (up to 10)',
    },
    {
      args: ['--pairs-per-kind', '3', '--folds', '5'],
      fix: '--folds 3 or less',
    },
  ])(
    'eval lfw rejects $args before embedding',
    async ({ args, fix }) => {
      const run = await runCli(['eval', 'lfw', ...args, '--workers', '1'], env);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--pairs-per-kind');
      expect(run.stderr).toContain(fix);
      expect(run.stderr).not.toContain('embedding LFW images');
    },
    RUN_TIMEOUT_MS,
  );

  it.each([
    { name: 'identify', command: ['identify'], value: '3' },
    { name: 'identify', command: ['identify'], value: '0' },
    { name: 'identify', command: ['identify'], value: 'near' },
    { name: 'serve', command: ['serve'], value: '2.5' },
    { name: 'identify', command: ['identify'], value: '0x1' },
    { name: 'identify', command: ['identify'], value: '' },
    { name: 'eval identify', command: ['eval', 'identify'], value: '-1' },
  ])(
    '$name rejects --threshold $value',
    async ({ command, value }) => {
      const run = await runCli(
        [...command, '--threshold', value, inputs.same],
        env,
      );

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `option '--threshold <distance>' argument '${value}' is invalid`,
      );
      expect(run.stderr).toContain('above 0 and at most 2');
    },
    RUN_TIMEOUT_MS,
  );
});
