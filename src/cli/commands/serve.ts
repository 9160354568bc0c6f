import { join, resolve } from 'node:path';

import { Command, InvalidArgumentError } from 'commander';

import { createLogger } from '../../log';
import { startServer, type RunningServer } from '../../server/server';
import {
  addPipelineOptions,
  defaultGalleryPath,
  integerAtLeast,
  parseDecimal,
  parseThreshold,
  pipelineOptions,
  type PipelineFlags,
} from '../context';

const log = createLogger('serve');

/** Default TCP port when neither `--port` nor `PORT` is given. */
const DEFAULT_PORT = 8080;

interface ServeFlags extends PipelineFlags {
  host: string;
  port: number;
  gallery: string;
  people: string | boolean;
  warmupDir: string;
  maxUpload: number;
  queue: number;
  threshold?: number;
}

function parsePort(value: string): number {
  const port = parseDecimal(value);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new InvalidArgumentError(
      'Expected a TCP port from 0 to 65535 (0 picks a free port).',
    );
  }
  return port;
}

function parseMegabytes(value: string): number {
  const megabytes = parseDecimal(value);
  if (!(megabytes > 0 && megabytes <= 1024)) {
    throw new InvalidArgumentError(
      'Expected a size in megabytes above 0 and at most 1024.',
    );
  }
  return megabytes;
}

function defaultPort(): number {
  const value = process.env.PORT;
  if (value === undefined || value === '') return DEFAULT_PORT;
  try {
    return parsePort(value);
  } catch {
    log.warn(
      `PORT="${value}" is not a TCP port; using ${DEFAULT_PORT} (or pass --port)`,
    );
    return DEFAULT_PORT;
  }
}

function printUrls(url: string): void {
  process.stdout.write(
    [
      `facelab is serving on ${url}`,
      `  Deck:               ${url}/slides/`,
      `  Warm-up slideshow:  ${url}/slideshow`,
      `  Live demo:          ${url}/demo`,
      `  API health:         ${url}/api/health`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

/** Closes the server on SIGINT or SIGTERM, once, then lets the process exit. */
function closeOnSignals(server: RunningServer): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info(`${signal} received; closing the server`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`closing failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** `facelab serve`: the HTTP API, the deck, the warm-up slideshow and the live demo. */
export function serveCommand(): Command {
  const command = new Command('serve')
    .description(
      'serve the HTTP API, the slides, the warm-up slideshow and the live camera demo on localhost',
    )
    .option(
      '--host <address>',
      'address to bind; 127.0.0.1 keeps the server off the network',
      '127.0.0.1',
    )
    .option(
      '--port <number>',
      `TCP port (default: PORT or ${DEFAULT_PORT}; 0 picks a free port)`,
      parsePort,
    )
    .option(
      '--gallery <file>',
      'gallery file, FACELAB_GALLERY if set; created when missing and saved after each change',
      defaultGalleryPath(),
    )
    .option(
      '--people <folder>',
      'labelled folder (one sub-folder per person) enrolled when the gallery file does not exist (default: the warm-up people)',
    )
    .option(
      '--no-people',
      'start with an empty gallery when the file is missing',
    )
    .option(
      '--warmup-dir <folder>',
      'folder the warm-up images are prepared in',
      join('facelab-output', 'warmup'),
    )
    .option(
      '--max-upload <megabytes>',
      'largest accepted image upload, in megabytes',
      parseMegabytes,
      10,
    )
    .option(
      '--queue <count>',
      'images that may be processed or waiting at once; more get 503 Busy',
      integerAtLeast(1),
      4,
    )
    .option(
      '--threshold <distance>',
      'largest L2 distance accepted as a match, above 0 and at most 2 (default: the open-set threshold measured for the model, stricter than its calibration)',
      parseThreshold,
    );
  addPipelineOptions(command);
  return command.action(async (flags: ServeFlags) => {
    const server = await startServer({
      host: flags.host,
      port: flags.port ?? defaultPort(),
      galleryPath: resolve(flags.gallery),
      peopleFolder:
        typeof flags.people === 'string'
          ? resolve(flags.people)
          : flags.people === false
            ? false
            : undefined,
      warmupFolder: resolve(flags.warmupDir),
      maxUploadBytes: Math.round(flags.maxUpload * 1024 * 1024),
      queueCapacity: flags.queue,
      pipeline: pipelineOptions(flags),
      ...(flags.threshold !== undefined && { threshold: flags.threshold }),
    });
    closeOnSignals(server);
    printUrls(server.url);
  });
}
