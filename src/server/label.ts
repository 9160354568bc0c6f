import { ApiError } from './errors';

/** Maximum length of a gallery label, in characters. */
export const MAX_LABEL_LENGTH = 100;

/**
 * Validates a person's label from a request and returns it trimmed.
 *
 * @throws {@link ApiError} 400 when the label is missing, empty, longer than
 *   {@link MAX_LABEL_LENGTH}, or contains control characters or U+FFFD.
 */
export function validateLabel(raw: string | null): string {
  if (raw === null) {
    throw new ApiError(
      400,
      'label-missing',
      'the label is missing; pass it as ?label=NAME',
    );
  }
  const label = raw.trim();
  if (label === '') {
    throw new ApiError(400, 'label-invalid', 'the label must not be empty');
  }
  if ([...label].length > MAX_LABEL_LENGTH) {
    throw new ApiError(
      400,
      'label-invalid',
      `the label has ${[...label].length} characters; the maximum is ${MAX_LABEL_LENGTH}`,
    );
  }
  if (/\p{Cc}/u.test(label)) {
    throw new ApiError(
      400,
      'label-invalid',
      'the label contains control characters (such as a newline or tab); use letters, digits, spaces and punctuation',
    );
  }
  if (label.includes('\uFFFD')) {
    throw new ApiError(
      400,
      'label-invalid',
      'the label contains U+FFFD, the replacement character of invalid UTF-8; send the label as UTF-8',
    );
  }
  return label;
}
