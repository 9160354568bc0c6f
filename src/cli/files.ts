import { mkdir, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

import type { Command } from 'commander';

/** File extensions picked up when a folder is given instead of image files. */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.pgm',
  '.ppm',
  '.pnm',
]);

/**
 * Expands command-line paths: a file stays as it is (whatever its extension,
 * so that a bad file is reported rather than silently ignored), and a folder
 * becomes its image files in name order.
 */
export async function expandImagePaths(
  paths: readonly string[],
): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let isFolder = false;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch {
      // A missing path is passed on, so that the batch reports it as not found.
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path))
      .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
      .sort();
    files.push(...names.map((name) => join(path, name)));
  }
  return files;
}

/**
 * Creates the output folder that an option names, before any model loads,
 * and turns a failure (a file of that name, a path under a file, no write
 * permission) into a usage error of `command` that names the option.
 */
export async function createOutputFolder(
  command: Command,
  option: string,
  folder: string,
): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    command.error(
      `error: ${option} ${folder}: cannot create the folder (${(error as Error).message}); pass the path of a folder, which is created when missing`,
    );
  }
}
