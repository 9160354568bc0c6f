/**
 * Signature and length checks on encoded image files. libvips reports a
 * short PNG, WebP or TIFF file as a read error or as an unsupported format.
 * When the decoder fails, these checks tell a file that is cut short, or
 * damaged in a known format, from one that is not an image at all.
 */

/** Container formats recognised by their first bytes. */
export type ContainerFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff';

function startsWith(
  bytes: Uint8Array,
  prefix: readonly number[],
  offset = 0,
): boolean {
  return prefix.every((byte, i) => bytes[offset + i] === byte);
}

const ascii = (text: string): number[] =>
  [...text].map((char) => char.charCodeAt(0));

/** Returns the format whose signature starts `bytes`, or undefined for none. */
export function sniffFormat(bytes: Uint8Array): ContainerFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return 'png';
  if (startsWith(bytes, ascii('GIF8'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8))
    return 'webp';
  if (
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])
  )
    return 'tiff';
  return undefined;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Walks the PNG chunks: the file is cut short when a chunk runs past the end or `IEND` never comes. */
function isPngCutShort(bytes: Uint8Array): boolean {
  const data = view(bytes);
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const length = data.getUint32(offset);
    if (startsWith(bytes, ascii('IEND'), offset + 4)) return false;
    // Length, type, data and CRC.
    offset += 12 + length;
  }
  return true;
}

/**
 * Compares the file size in the RIFF header, which excludes the first 8
 * bytes, with the bytes present.
 */
function isWebpCutShort(bytes: Uint8Array): boolean {
  return bytes.length < 12 || 8 + view(bytes).getUint32(4, true) > bytes.length;
}

/**
 * Checks that the first image file directory, which the header points at,
 * lies inside the file.
 */
function isTiffCutShort(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return true;
  const data = view(bytes);
  const littleEndian = bytes[0] === 0x49;
  const directory = data.getUint32(4, littleEndian);
  if (directory + 2 > bytes.length) return true;
  const entries = data.getUint16(directory, littleEndian);
  return directory + 2 + entries * 12 + 4 > bytes.length;
}

/**
 * Returns whether the file's own structure shows that bytes are missing from
 * its end. JPEG and GIF always return false, because libvips already reports
 * those as cut short.
 */
export function isCutShort(
  format: ContainerFormat,
  bytes: Uint8Array,
): boolean {
  switch (format) {
    case 'png':
      return isPngCutShort(bytes);
    case 'webp':
      return isWebpCutShort(bytes);
    case 'tiff':
      return isTiffCutShort(bytes);
    case 'jpeg':
    case 'gif':
      return false;
  }
}
