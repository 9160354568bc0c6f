/** Reason an image could not be read. */
export type ImageInputReason =
  | 'not-found'
  | 'unreadable'
  | 'empty'
  | 'unsupported'
  | 'truncated'
  | 'corrupt'
  | 'too-large';

const SUMMARIES: Record<ImageInputReason, string> = {
  'not-found': 'file not found',
  unreadable: 'file cannot be read',
  empty: 'empty file',
  unsupported: 'unsupported image format',
  truncated: 'truncated image',
  corrupt: 'corrupt image',
  'too-large': 'image too large',
};

const FIXES: Record<ImageInputReason, string> = {
  'not-found': 'check the path',
  unreadable: 'pass an image file that this user can read',
  empty: 'the file has no bytes; copy or download it again',
  unsupported:
    'use a JPEG, PNG, WebP, GIF, TIFF or PGM/PPM image (the content decides, not the file extension)',
  truncated: 'the file is cut short; copy or download it again',
  corrupt: 'the file is damaged; open it in an image viewer or export it again',
  'too-large': 'downscale the image before passing it to facelab',
};

/**
 * Raised when an input image cannot be decoded. The message names the file,
 * the reason and what to do about it; `reason` lets callers branch on it.
 */
export class ImageInputError extends Error {
  constructor(
    /** File path, or a caller-chosen name for an in-memory buffer. */
    readonly source: string,
    readonly reason: ImageInputReason,
    /** The decoder's own message, when there is one. */
    readonly detail?: string,
  ) {
    const cause = detail === undefined ? '' : ` (${detail})`;
    super(`${source}: ${SUMMARIES[reason]}${cause}; ${FIXES[reason]}`);
    this.name = 'ImageInputError';
  }
}
