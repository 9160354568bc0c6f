import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  startServer,
  type RunningServer,
  type ServerOptions,
} from '../../src/server/server';

/** A server started for a test file, with its own temporary folder. */
export interface TestServer {
  readonly server: RunningServer;
  /** Temporary folder of the gallery file and the warm-up images. */
  readonly folder: string;
  readonly galleryPath: string;
  /** Closes the server and deletes the folder. */
  stop(): Promise<void>;
}

/**
 * Starts the real presentation server on a free loopback port. The
 * embedding cache is `FACELAB_CACHE` when set, else off, so every request
 * runs the models.
 */
export async function startTestServer(
  overrides: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const folder = mkdtempSync(join(tmpdir(), 'facelab-server-'));
  const galleryPath = join(folder, 'gallery.json');
  let server: RunningServer;
  try {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      galleryPath,
      warmupFolder: join(folder, 'warmup'),
      maxUploadBytes: 10 * 1024 * 1024,
      queueCapacity: 4,
      pipeline: { cache: process.env.FACELAB_CACHE || false },
      ...overrides,
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    server,
    folder,
    galleryPath,
    stop: async () => {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
