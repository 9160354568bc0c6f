/** Writes slide figures into one folder and records what was written or skipped. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import sharp from 'sharp';

import { createLogger } from '../../log';
import type { FigureExporter } from '../browser-export';
import type { Figure } from '../figure';

const log = createLogger('figures');

/** Size in pixels of every Plotly slide figure. */
export const SLIDE_SIZE = { width: 1280, height: 720 } as const;

/** A figure that was not produced, and why. */
export interface SkippedFigure {
  readonly file: string;
  readonly reason: string;
}

/** Output folder of a `facelab figures` run, with the exporter it renders Plotly figures in. */
export class SlideFolder {
  readonly written: string[] = [];
  readonly skipped: SkippedFigure[] = [];

  constructor(
    readonly folder: string,
    private readonly exporter: FigureExporter,
  ) {}

  /** Creates the folder. */
  async create(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  /**
   * Writes a PNG drawn on a canvas, shrunk to at most `maxWidth` pixels wide
   * and stored with a 256-colour palette to keep photo figures small.
   */
  async writeDrawing(
    file: string,
    png: Buffer,
    maxWidth: number = SLIDE_SIZE.width,
  ): Promise<void> {
    const small = await sharp(png)
      .resize({ width: maxWidth, withoutEnlargement: true })
      .png({ palette: true, quality: 90, effort: 8 })
      .toBuffer();
    await this.save(file, small);
  }

  /** Renders a Plotly figure to a 1280x720 PNG in Chromium and writes it. */
  async writePlot(file: string, figure: Figure): Promise<void> {
    const png = await this.exporter.render(figure, {
      format: 'png',
      ...SLIDE_SIZE,
    });
    await this.save(file, png);
  }

  /** Logs a warning that names the missing data and the command that produces it. */
  skip(file: string, reason: string): void {
    log.warn(`skipped ${file}: ${reason}`);
    this.skipped.push({ file, reason });
  }

  private async save(file: string, bytes: Buffer): Promise<void> {
    const path = join(this.folder, file);
    await writeFile(path, bytes);
    log.info(`wrote ${path} (${Math.round(bytes.length / 1024)} KB)`);
    this.written.push(file);
  }
}
