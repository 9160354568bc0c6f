import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');

/** Milliseconds after which a CLI run is stopped. */
export const CLI_TIMEOUT_MS = 170_000;

/** Exit code and output of one CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `facelab ARGS` from the repository root and resolves with its exit code and output. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CliRun> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        cwd: repoRoot,
        env,
        timeout: CLI_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          fail(
            new Error(
              `facelab ${args.join(' ')} did not exit normally: ${error.message}\n${stderr}`,
            ),
          );
          return;
        }
        done({
          code: error === null ? 0 : (error.code as number),
          stdout,
          stderr,
        });
      },
    );
  });
}
