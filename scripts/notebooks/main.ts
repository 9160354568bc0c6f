/**
 * The notebook commands behind `npm run notebook`, `notebooks:check` and
 * `notebooks:html`. Usage:
 *
 *   tsx scripts/notebooks/main.ts start
 *   tsx scripts/notebooks/main.ts check [NOTEBOOK...]
 *   tsx scripts/notebooks/main.ts html [--out DIR] [NOTEBOOK...]
 *
 * `check` and `html` take every notebook in `notebooks/` when none is named.
 * The npm scripts build `dist/` first, because the notebooks import it.
 */
import { spawn } from 'node:child_process';
import { join, relative, resolve } from 'node:path';

import {
  executeNotebook,
  exportHtml,
  jupyterCommand,
  jupyterEnvironment,
  listNotebooks,
  NOTEBOOK_FOLDER,
  PROJECT_ROOT,
  registerKernel,
} from './jupyter';
import {
  checkNotebookStructure,
  checkSavedOutputs,
  readNotebook,
} from './structure';

function relativeName(path: string): string {
  return relative(PROJECT_ROOT, path);
}

function notebooksFrom(args: readonly string[]): string[] {
  return args.length > 0
    ? args.map((arg) => resolve(arg))
    : listNotebooks(NOTEBOOK_FOLDER);
}

/** Starts Jupyter Notebook on `notebooks/`, listening on 127.0.0.1 only. */
function start(): void {
  registerKernel();
  const args = [
    'notebook',
    `--notebook-dir=${NOTEBOOK_FOLDER}`,
    '--ip=127.0.0.1',
  ];
  // Jupyter refuses to start as root, which is the usual user in containers.
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn(jupyterCommand(), args, {
    env: jupyterEnvironment(),
    stdio: 'inherit',
  });
  child.on('error', (error) => {
    process.stderr.write(
      `could not start ${jupyterCommand()}: ${error.message}. Install Jupyter (see README, Notebooks).\n`,
    );
    process.exitCode = 1;
  });
  child.on('exit', (code) => {
    process.exitCode = code ?? 1;
  });
}

/**
 * Checks the structure of each notebook, executes it in place and checks its
 * saved outputs; exits with 1 when any notebook fails.
 */
async function check(args: readonly string[]): Promise<void> {
  registerKernel();
  const failed: string[] = [];
  for (const notebook of notebooksFrom(args)) {
    const name = relativeName(notebook);
    const structure = checkNotebookStructure(readNotebook(notebook));
    if (structure.length > 0) {
      process.stderr.write(
        `${name}: invalid structure\n  ${structure.join('\n  ')}\n`,
      );
      failed.push(name);
      continue;
    }
    process.stdout.write(`${name}: executing\n`);
    const result = await executeNotebook(notebook);
    if (!result.ok) {
      process.stderr.write(`${name}: a cell failed\n${result.log}\n`);
      failed.push(name);
      continue;
    }
    const outputs = checkSavedOutputs(readNotebook(notebook));
    if (outputs.length > 0) {
      process.stderr.write(
        `${name}: invalid outputs\n  ${outputs.join('\n  ')}\n`,
      );
      failed.push(name);
      continue;
    }
    process.stdout.write(`${name}: ok in ${result.seconds.toFixed(1)} s\n`);
  }
  if (failed.length > 0) {
    process.stderr.write(`Failed notebooks: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

/** Exports each notebook with its saved outputs to HTML. */
async function html(args: readonly string[]): Promise<void> {
  const outIndex = args.indexOf('--out');
  const outValue = outIndex >= 0 ? args[outIndex + 1] : undefined;
  if (outIndex >= 0 && (outValue === undefined || outValue.startsWith('-')))
    throw new Error('--out needs a folder, for example --out html/');
  const outFolder = resolve(outValue ?? join('facelab-output', 'notebooks'));
  const rest =
    outIndex >= 0
      ? [...args.slice(0, outIndex), ...args.slice(outIndex + 2)]
      : args;
  for (const notebook of notebooksFrom(rest)) {
    const file = await exportHtml(notebook, outFolder);
    process.stdout.write(
      `${relativeName(notebook)} -> ${relativeName(file)}\n`,
    );
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'start') start();
  else if (command === 'check') await check(args);
  else if (command === 'html') await html(args);
  else {
    process.stderr.write(
      'usage: main.ts start | check [NOTEBOOK...] | html [--out DIR] [NOTEBOOK...]\n',
    );
    process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
