import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  executeNotebook,
  exportHtml,
  hasJupyter,
  listNotebooks,
  registerKernel,
} from '../scripts/notebooks/jupyter';
import {
  checkCode,
  checkNotebookStructure,
  checkSavedOutputs,
  readNotebook,
  type Notebook,
} from '../scripts/notebooks/structure';
import { CHROMIUM_ARGS } from '../src/plots/browser-export';
import { notebookFigureHtml } from '../src/plots/notebook';

const fixtures = join(__dirname, 'fixtures', 'notebooks');

/** Builds an nbformat 4 notebook from (type, source) pairs. */
function notebookOf(cells: readonly ['markdown' | 'code', string][]): Notebook {
  return {
    nbformat: 4,
    metadata: { kernelspec: { name: 'tslab' } },
    cells: cells.map(([cell_type, source]) => ({ cell_type, source })),
  };
}

const opening: ['markdown', string] = [
  'markdown',
  '# T\n## What you will learn\n- x',
];
const closing: ['markdown', string] = ['markdown', '## Things to try\n- y'];

describe('notebooks in notebooks/', () => {
  const notebooks = listNotebooks();

  it('exist', () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(3);
  });

  for (const path of notebooks) {
    const notebook = readNotebook(path);

    it(`${basename(path)} follows the structure rules`, () => {
      expect(checkNotebookStructure(notebook)).toEqual([]);
    });

    it(`${basename(path)} is saved with figures and no errors`, () => {
      expect(checkSavedOutputs(notebook)).toEqual([]);
    });
  }
});

describe('notebook structure check', () => {
  it('accepts a well-formed notebook', () => {
    const notebook = notebookOf([
      opening,
      ['markdown', 'Load the pipeline.'],
      ['code', "import { FacePipeline } from '../dist/pipeline';"],
      closing,
    ]);
    expect(checkNotebookStructure(notebook)).toEqual([]);
  });

  it('rejects a missing opening and closing', () => {
    const problems = checkNotebookStructure(
      notebookOf([
        ['markdown', 'Intro'],
        ['markdown', 'End'],
      ]),
    );
    expect(problems).toContain(
      'cell 1 must be markdown with "What you will learn"',
    );
    expect(problems).toContain(
      'cell 2 (the last) must be markdown with "Things to try"',
    );
  });

  it('rejects a code cell without explanation', () => {
    const problems = checkNotebookStructure(
      notebookOf([opening, ['code', '1;'], ['code', '2;'], closing]),
    );
    expect(problems).toEqual([
      'cell 3: a code cell must follow a markdown explanation',
    ]);
  });

  it('rejects a code cell over 30 lines', () => {
    const long = Array.from({ length: 31 }, (_, i) => `${i};`).join('\n');
    const problems = checkNotebookStructure(
      notebookOf([
        opening,
        ['markdown', 'Many lines.'],
        ['code', long],
        closing,
      ]),
    );
    expect(problems).toEqual(['cell 3 has 31 lines; split it (at most 30)']);
  });

  it('rejects a kernel other than tslab', () => {
    const notebook = { ...notebookOf([opening, closing]), metadata: {} };
    expect(checkNotebookStructure(notebook)).toEqual([
      'the kernel is not tslab (metadata.kernelspec.name)',
    ]);
  });

  it('allows project, tslab and built-in imports', () => {
    const source = [
      "import { display } from 'tslab';",
      "import { join } from 'node:path';",
      "import * as fs from 'fs';",
      "import { Gallery } from '../dist/prediction/gallery';",
      "const later = await import('../dist/recognizer');",
    ].join('\n');
    expect(checkCode(source)).toEqual([]);
  });

  it('rejects imports from outside the project', () => {
    const problems = checkCode(
      [
        "import * as tf from '@tensorflow/tfjs';",
        "import { alignFace } from '../src/alignment/align';",
        "const sharp = require('sharp');",
      ].join('\n'),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^line 1 imports "@tensorflow\/tfjs"/);
    expect(problems[1]).toMatch(
      /^line 2 imports "\.\.\/src\/alignment\/align"/,
    );
    expect(problems[2]).toMatch(/^line 3 imports "sharp"/);
  });

  it('rejects function and class definitions', () => {
    const problems = checkCode(
      [
        'function align(x: number) { return x; }',
        'class Detector {}',
        'const embed = (x: number) => x * 2;',
        'const scale = function (x: number) { return x; };',
        '[1, 2].map((x) => x + 1);',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'line 1 defines a function or class; put it in src/ and import it',
      'line 2 defines a function or class; put it in src/ and import it',
      'line 3 defines the function embed; put it in src/ and import it',
      'line 4 defines the function scale; put it in src/ and import it',
    ]);
  });

  it('rejects shorthand properties of earlier cells', () => {
    const problems = checkCode(
      'const k = 3;\nconsole.log({ k, limits });\nconsole.log({ limits: limits });',
    );
    expect(problems).toEqual([
      'line 2 writes { limits } for a name from an earlier cell, which tslab cannot resolve; write { limits: limits }',
    ]);
  });

  it('rejects saved outputs without figures or with errors', () => {
    const notebook: Notebook = {
      ...notebookOf([opening]),
      cells: [
        {
          cell_type: 'code',
          source: 'x',
          outputs: [{ output_type: 'error' }],
        },
      ],
    };
    expect(checkSavedOutputs(notebook)).toEqual([
      'cell 1 saved an error output',
      'no cell output is an image or a Plotly figure',
    ]);
  });

  it('counts a Plotly figure as a figure', () => {
    const figureHtml = notebookFigureHtml({ data: [], layout: {} });
    const withOutput = (html: string): Notebook => ({
      ...notebookOf([opening]),
      cells: [
        {
          cell_type: 'code',
          source: 'showFigure(figure);',
          outputs: [
            { output_type: 'display_data', data: { 'text/html': html } },
          ],
        },
      ],
    });
    expect(checkSavedOutputs(withOutput(figureHtml))).toEqual([]);
    expect(checkSavedOutputs(withOutput('<b>not a figure</b>'))).toEqual([
      'no cell output is an image or a Plotly figure',
    ]);
  });
});

// Real Jupyter and tslab. Without Jupyter these tests are skipped, except
// under CI, where they fail instead.
const jupyter = hasJupyter();
if (!jupyter && process.env.CI) {
  throw new Error(
    'Jupyter (jupyter nbconvert) must be installed under CI; .ci/run installs it',
  );
}

describe.runIf(jupyter)('notebook execution with Jupyter', () => {
  let folder: string;

  beforeAll(() => {
    registerKernel();
    folder = mkdtempSync(join(tmpdir(), 'facelab-notebooks-'));
    for (const name of ['passing.ipynb', 'failing.ipynb']) {
      copyFileSync(join(fixtures, name), join(folder, name));
    }
  });

  it('saves outputs of a passing notebook', async () => {
    const path = join(folder, 'passing.ipynb');
    const result = await executeNotebook(path, { cellTimeoutSeconds: 60 });
    expect(result.ok).toBe(true);
    const notebook = readNotebook(path);
    expect(checkSavedOutputs(notebook)).toEqual([]);
    const text = JSON.stringify(notebook.cells[1]);
    expect(text).toContain('sum 6');
  });

  it('reports the failing cell', async () => {
    const path = join(folder, 'failing.ipynb');
    const before = readFileSync(path, 'utf8');
    const result = await executeNotebook(path, { cellTimeoutSeconds: 60 });
    expect(result.ok).toBe(false);
    expect(result.log).toContain('failing.ipynb: cell 4 failed');
    expect(result.log).toContain("throw new Error('deliberate failure')");
    expect(result.log).toContain('Error: deliberate failure');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('stops a cell that runs past the timeout', async () => {
    const path = join(folder, 'slow.ipynb');
    copyFileSync(join(fixtures, 'slow.ipynb'), path);
    const result = await executeNotebook(path, { cellTimeoutSeconds: 3 });
    expect(result.ok).toBe(false);
    expect(result.log).toContain('slow.ipynb: cell 2 failed');
    expect(result.log).toContain('timed out after 3 s');
  });

  it('exports HTML whose figures render offline', async () => {
    const notebooks = [join(folder, 'passing.ipynb'), ...listNotebooks()];
    const pages: string[] = [];
    for (const notebook of notebooks) {
      const html = await exportHtml(notebook, join(folder, 'html'));
      const text = readFileSync(html, 'utf8');
      expect(text, html).not.toMatch(/<script[^>]+src=/);
      expect(text, html).not.toMatch(/<link[^>]+href=/);
      // Each page shows a figure: an image, or a Plotly figure's <div>.
      expect(text, html).toMatch(
        /data:image\/(png|jpeg);base64,|class="facelab-figure"/,
      );
      pages.push(html);
    }

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS],
    });
    try {
      const context = await browser.newContext({ offline: true });
      const blocked: string[] = [];
      await context.route(/^https?:/, (route) => {
        blocked.push(route.request().url());
        return route.abort();
      });
      const tab = await context.newPage();
      for (const html of pages) {
        await tab.goto(`file://${html}`);
        const widths = await tab.$$eval('img', (images) =>
          images.map(
            (image) =>
              (image as unknown as { naturalWidth: number }).naturalWidth,
          ),
        );
        const figures = await tab.locator('.facelab-figure').count();
        expect(widths.length + figures, html).toBeGreaterThan(0);
        expect(
          widths.filter((width) => width === 0),
          html,
        ).toEqual([]);
        // Plotly draws each figure into an <svg class="main-svg">.
        const unrendered = tab.locator('.facelab-figure:not(:has(.main-svg))');
        await expect
          .poll(() => unrendered.count(), { timeout: 30_000, message: html })
          .toBe(0);
      }
      expect(blocked).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
