/**
 * The presentation server: one pipeline and one gallery, loaded at start and
 * shared by the API, the deck, the warm-up slideshow and the live demo.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { resolveLimits, validateThreshold } from '../cli/context';
import { enrollLabelledFolder } from '../cli/labelled-folder';
import { createLogger } from '../log';
import { FacePipeline, type PipelineOptions } from '../pipeline';
import { Gallery } from '../prediction/gallery';
import { loadGallery, saveGallery } from '../prediction/gallery-file';
import { Recognizer } from '../recognizer';
import type { ApiContext } from './api';
import { createRequestHandler, defaultStaticFolders } from './app';
import { TaskQueue } from './queue';
import { chooseServerThreshold } from './threshold';
import { prepareWarmup } from './warmup';

const log = createLogger('server');

/** Milliseconds that open requests get to finish when the server closes. */
const CLOSE_GRACE_MS = 3000;

/** Settings of {@link startServer}. */
export interface ServerOptions {
  /** Interface to bind; `127.0.0.1` keeps the server off the network. */
  readonly host: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Gallery file, created when missing and saved after each change. */
  readonly galleryPath: string;
  /**
   * Labelled folder enrolled when the gallery file does not exist yet, or
   * false to start with an empty gallery. Undefined enrolls the warm-up
   * people.
   */
  readonly peopleFolder?: string | false;
  /** Folder the warm-up images are prepared in. */
  readonly warmupFolder: string;
  /** Largest accepted upload, in bytes. */
  readonly maxUploadBytes: number;
  /** Pipeline requests that may run or wait at once; more get 503. */
  readonly queueCapacity: number;
  readonly pipeline: PipelineOptions;
  /**
   * Unknown threshold, above 0 and at most 2. Undefined uses the open-set
   * threshold measured for the pipeline's model (see `./threshold`).
   */
  readonly threshold?: number;
}

/** A started server. */
export interface RunningServer {
  /** Base URL, for example `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly context: ApiContext;
  /** Stops accepting connections, waits for open requests and releases the models. */
  close(): Promise<void>;
}

/** Builds the gallery from the labelled folder, for a gallery file that does not exist. */
async function createServerGallery(
  pipeline: FacePipeline,
  options: ServerOptions,
  warmupPeople: string,
): Promise<Gallery> {
  const gallery = new Gallery(pipeline.model, pipeline.embedder.dimension);
  const folder = options.peopleFolder ?? warmupPeople;
  if (folder === false) {
    log.info(`gallery ${options.galleryPath} does not exist; starting empty`);
    return gallery;
  }
  const report = await enrollLabelledFolder(pipeline, gallery, folder);
  await saveGallery(gallery, options.galleryPath);
  log.info(
    `gallery ${options.galleryPath} created from ${folder}: ${report.enrolled} photos enrolled, ` +
      `${report.failed} unreadable, ${report.withoutFace} without a face`,
  );
  return gallery;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE') {
        fail(
          new Error(
            `port ${port} on ${host} is already in use; stop the program that uses it, or pass another --port (0 picks a free one)`,
          ),
        );
      } else if (
        ['ENOTFOUND', 'EADDRNOTAVAIL', 'EAI_AGAIN'].includes(error.code ?? '')
      ) {
        fail(
          new Error(
            `cannot listen on host ${host} (${error.code}: not an address of this machine); pass --host 127.0.0.1, or an address or name of one of its network interfaces`,
          ),
        );
      } else {
        fail(error);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      done((server.address() as AddressInfo).port);
    });
  });
}

/** Loads the models and the gallery, prepares the warm-up images and starts listening. */
export async function startServer(
  options: ServerOptions,
): Promise<RunningServer> {
  if (options.threshold !== undefined) validateThreshold(options.threshold);
  const pipeline = await FacePipeline.create(options.pipeline);
  try {
    // Read before the slow warm-up, so that a gallery of another model fails at once.
    const existing = await loadGallery(options.galleryPath, pipeline.model);
    if (existing !== undefined) {
      log.info(
        `gallery ${options.galleryPath}: ${existing.labels().length} people, ${existing.size} photos`,
      );
    }
    const warmupPrefix = '/warmup/';
    const warmup = await prepareWarmup(options.warmupFolder, warmupPrefix);
    log.info(
      `warm-up: ${warmup.slides.length} images prepared in ${options.warmupFolder}`,
    );
    const gallery =
      existing ??
      (await createServerGallery(pipeline, options, warmup.peopleFolder));
    const threshold = chooseServerThreshold(pipeline.model, options.threshold);
    log.info(`unknown threshold ${threshold.value} (${threshold.source})`);
    const context: ApiContext = {
      pipeline,
      recognizer: new Recognizer(gallery, {
        metric: 'l2',
        limits: resolveLimits(pipeline.model, threshold.value, log),
      }),
      threshold,
      galleryPath: options.galleryPath,
      queue: new TaskQueue(options.queueCapacity),
      maxUploadBytes: options.maxUploadBytes,
    };
    const server = createServer(
      createRequestHandler(context, defaultStaticFolders(options.warmupFolder)),
    );
    const port = await listen(server, options.host, options.port);
    const host = options.host.includes(':')
      ? `[${options.host}]`
      : options.host;
    const url = `http://${host}:${port}`;
    log.info(
      `listening on ${url} (backend ${pipeline.runtime.backend}, detector ${pipeline.detector.name})`,
    );
    return {
      url,
      context,
      close: async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
          // A live demo keeps its keep-alive connection busy, so open
          // connections get a grace period and are then closed.
          setTimeout(
            () => server.closeAllConnections(),
            CLOSE_GRACE_MS,
          ).unref();
        });
        pipeline.dispose();
        log.info('stopped');
      },
    };
  } catch (error) {
    pipeline.dispose();
    throw error;
  }
}
