/**
 * Jupyter from the outside: registers the tslab kernel for this project,
 * executes notebooks headlessly with nbconvert and exports them to HTML.
 *
 * The kernel spec is written to `.jupyter/share/jupyter/kernels/tslab` in the
 * project and found through `JUPYTER_PATH`, so nothing is installed into the
 * user's Jupyter folders and the kernel always runs this project's tslab.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Root folder of the project. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Folder of the learner notebooks. */
export const NOTEBOOK_FOLDER = join(PROJECT_ROOT, 'notebooks');

/** Prefix under which the project's kernel spec is installed. */
const KERNEL_PREFIX = join(PROJECT_ROOT, '.jupyter');

/** Name of the kernel spec that every notebook's metadata refers to. */
export const KERNEL_NAME = 'tslab';

/** nbconvert template that leaves out require.js and MathJax, which load from CDNs. */
const OFFLINE_TEMPLATE = join(__dirname, 'offline-html.j2');

/** Default time limit of one cell, in seconds. */
export const DEFAULT_CELL_TIMEOUT_SECONDS = 180;

/** Raised when Jupyter or Python cannot be found or run. */
export class JupyterUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JupyterUnavailableError';
  }
}

/**
 * Returns the `jupyter` command: `FACELAB_JUPYTER` when set, Debian's
 * `/usr/bin/jupyter` when present, otherwise `jupyter` from the PATH.
 */
export function jupyterCommand(): string {
  const configured = process.env.FACELAB_JUPYTER;
  if (configured !== undefined && configured !== '') return configured;
  return existsSync('/usr/bin/jupyter') ? '/usr/bin/jupyter' : 'jupyter';
}

/**
 * Returns the Python that has Jupyter installed, used once to write the kernel
 * spec: `FACELAB_PYTHON`, else Debian's `/usr/bin/python3`, else undefined so
 * that tslab picks its default (`python3`, or `python` on Windows).
 */
function pythonCommand(): string | undefined {
  const configured = process.env.FACELAB_PYTHON;
  if (configured !== undefined && configured !== '') return configured;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined;
}

function tslabBinary(): string {
  const name = process.platform === 'win32' ? 'tslab.cmd' : 'tslab';
  return join(PROJECT_ROOT, 'node_modules', '.bin', name);
}

/** Returns the environment in which Jupyter finds the project's kernel spec. */
export function jupyterEnvironment(): NodeJS.ProcessEnv {
  const dataFolder = join(KERNEL_PREFIX, 'share', 'jupyter');
  const existing = process.env.JUPYTER_PATH;
  return {
    ...process.env,
    JUPYTER_PATH:
      existing === undefined || existing === ''
        ? dataFolder
        : `${dataFolder}${delimiter}${existing}`,
  };
}

/** Returns true when `jupyter nbconvert` runs. */
export function hasJupyter(): boolean {
  const result = spawnSync(jupyterCommand(), ['nbconvert', '--version'], {
    encoding: 'utf8',
  });
  return result.status === 0;
}

/**
 * Writes the project's tslab kernel spec with `tslab install --prefix`.
 *
 * @throws JupyterUnavailableError when the Python has no Jupyter.
 */
export function registerKernel(): void {
  const python = pythonCommand();
  const args = [
    'install',
    `--prefix=${KERNEL_PREFIX}`,
    `--binary=${tslabBinary()}`,
    ...(python === undefined ? [] : [`--python=${python}`]),
  ];
  const result = spawnSync(tslabBinary(), args, {
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    throw new JupyterUnavailableError(
      `registering the tslab kernel failed (${tslabBinary()} ${args.join(' ')}): ` +
        `${result.stderr || result.error?.message}. Install Jupyter (see README, Notebooks) ` +
        'or set FACELAB_PYTHON to a Python that has it.',
    );
  }
}

/** Lists the notebooks of a folder in name order, as absolute paths. */
export function listNotebooks(folder = NOTEBOOK_FOLDER): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ipynb'))
    .sort()
    .map((name) => join(folder, name));
}

/** Outcome of executing one notebook. */
export interface ExecutionResult {
  readonly notebook: string;
  readonly ok: boolean;
  readonly seconds: number;
  /** nbconvert's standard error: on failure, the failing cell's source and error. */
  readonly log: string;
}

/**
 * Runs a command with the project's Jupyter environment, passing its
 * standard error through to ours when `echo` is set, and resolves with its
 * exit code and what it wrote there.
 */
function runWithJupyterPath(
  command: string,
  args: readonly string[],
  echo: boolean,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      env: jupyterEnvironment(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (echo) process.stderr.write(chunk);
    });
    child.on('error', (error) =>
      fail(
        new JupyterUnavailableError(
          `could not run ${command}: ${error.message}. Install Jupyter (see README, Notebooks), or set FACELAB_JUPYTER and FACELAB_PYTHON.`,
        ),
      ),
    );
    child.on('close', (code) => done({ code, stderr }));
  });
}

/**
 * Executes a notebook top to bottom with nbconvert's `ExecutePreprocessor`
 * (`execute.py`) and saves it with its outputs in place. The first cell that
 * raises or runs longer than the timeout stops the run and leaves the file
 * unchanged, and the log then names that cell and shows its source and
 * output.
 */
export async function executeNotebook(
  notebook: string,
  options: { cellTimeoutSeconds?: number; echo?: boolean } = {},
): Promise<ExecutionResult> {
  const timeout = options.cellTimeoutSeconds ?? DEFAULT_CELL_TIMEOUT_SECONDS;
  const start = performance.now();
  const { code, stderr } = await runWithJupyterPath(
    pythonCommand() ?? (process.platform === 'win32' ? 'python' : 'python3'),
    [join(__dirname, 'execute.py'), notebook, KERNEL_NAME, String(timeout)],
    options.echo ?? false,
  );
  return {
    notebook,
    ok: code === 0,
    seconds: (performance.now() - start) / 1000,
    log: stderr,
  };
}

/**
 * Exports a notebook, with its saved outputs, to one self-contained HTML
 * file in `outFolder`: styles inline, images as data URLs and no script or
 * style loaded from the network. Returns the path of the HTML file.
 */
export async function exportHtml(
  notebook: string,
  outFolder: string,
): Promise<string> {
  const { code, stderr } = await runWithJupyterPath(
    jupyterCommand(),
    [
      'nbconvert',
      '--to',
      'html',
      `--template-file=${OFFLINE_TEMPLATE}`,
      '--embed-images',
      `--output-dir=${outFolder}`,
      notebook,
    ],
    false,
  );
  if (code !== 0) {
    throw new Error(`exporting ${notebook} to HTML failed:\n${stderr}`);
  }
  const name = notebook.replace(/^.*[\\/]/, '').replace(/\.ipynb$/, '.html');
  return join(outFolder, name);
}
