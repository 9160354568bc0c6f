/**
 * The `facelab` command line. Results go to standard output; logs, progress
 * and errors go to standard error. Exit codes: 0 when every file worked, 1
 * when any file failed or a command could not finish, 2 for invalid usage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Command } from 'commander';

import { createLogger } from '../log';
import { ManifestError } from '../models/manifest';
import { demoCommand } from './commands/demo';
import { enrollCommand } from './commands/enroll';
import { evalCommand } from './commands/eval';
import { figuresCommand } from './commands/figures';
import { galleryCommand } from './commands/gallery';
import { identifyCommand } from './commands/identify';
import { serveCommand } from './commands/serve';

const log = createLogger('cli');

/** Makes a command and its subcommands exit with 2 on invalid usage (commander uses 1). */
function exitTwoOnUsageErrors(command: Command): void {
  command
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    });
  command.commands.forEach(exitTwoOnUsageErrors);
}

/** Builds the program with every command. */
export function createProgram(): Command {
  const { version } = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
  ) as { version: string };
  const program = new Command('facelab')
    .description(
      'facial recognition, stage by stage: detect, align, embed, identify',
    )
    .version(version)
    .addCommand(demoCommand())
    .addCommand(enrollCommand())
    .addCommand(identifyCommand())
    .addCommand(galleryCommand())
    .addCommand(evalCommand())
    .addCommand(figuresCommand())
    .addCommand(serveCommand());
  exitTwoOnUsageErrors(program);
  return program;
}

createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    log.error(failure.message);
    log.debug(failure.stack ?? '');
    // An invalid model manifest is invalid usage, like an invalid option.
    process.exitCode = failure instanceof ManifestError ? 2 : 1;
  });
