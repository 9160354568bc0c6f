// Drawing of identification results on a canvas, shared by the warm-up
// slideshow and the live demo. Coordinates are image pixels, so the canvas
// must have the size of the image that was sent to /api/identify.

/**
 * Colour of each band, from a confident match to a face far from everyone,
 * and grey for a face that had no one to be compared with.
 */
export const BAND_COLOURS = {
  confident: '#2e7d32',
  likely: '#9e9d24',
  unlikely: '#ef6c00',
  far: '#c62828',
  'empty-gallery': '#607d8b',
};

/**
 * Formats one face as `label 0.285 confident`, or as `unknown (empty
 * gallery)` when the gallery is empty and the distance is null.
 */
export function describeFace(face) {
  if (face.band === 'empty-gallery') return `${face.label} (empty gallery)`;
  return `${face.label} ${face.distance.toFixed(3)} ${face.band}`;
}

/** Formats the unknown threshold of an /api/identify response for a status line. */
export function describeThreshold(result) {
  return `unknown above distance ${result.threshold}`;
}

/** Draws each face's box, five landmarks and caption over what the canvas already shows. */
export function drawFaces(context, faces) {
  const scale = Math.max(context.canvas.width, context.canvas.height) / 640;
  const line = Math.max(2, Math.round(2 * scale));
  const fontSize = Math.max(14, Math.round(16 * scale));
  context.save();
  context.lineWidth = line;
  context.font = `bold ${fontSize}px sans-serif`;
  context.textBaseline = 'bottom';
  for (const face of faces) {
    const colour = BAND_COLOURS[face.band];
    const { x, y, width, height } = face.box;
    context.strokeStyle = colour;
    context.strokeRect(x, y, width, height);

    context.fillStyle = '#ffeb3b';
    for (const point of face.landmarks5) {
      context.beginPath();
      context.arc(point.x, point.y, line * 1.5, 0, 2 * Math.PI);
      context.fill();
    }

    const text = describeFace(face);
    const textWidth = context.measureText(text).width;
    // Keep the caption inside the canvas when the box touches an edge.
    const top = Math.max(fontSize + 6, y);
    const left = Math.max(
      0,
      Math.min(x - line / 2, context.canvas.width - textWidth - 10),
    );
    context.fillStyle = colour;
    context.fillRect(left, top - fontSize - 6, textWidth + 10, fontSize + 6);
    context.fillStyle = '#ffffff';
    context.fillText(text, left + 5, top - 3);
  }
  context.restore();
}

/**
 * Writes the faces to a visually hidden live region, for screen readers and
 * for tests: `data-labels` contains the labels as JSON.
 */
export function announceFaces(region, faces) {
  region.dataset.labels = JSON.stringify(faces.map((face) => face.label));
  region.textContent =
    faces.length === 0
      ? 'No face found.'
      : `${faces.length} face(s): ${faces.map(describeFace).join('; ')}.`;
}

/**
 * Sends an image to /api/identify and returns the parsed body. Throws an
 * Error with the server's message for any error response; a 503 error
 * carries `retryAfter` in seconds.
 */
export async function identify(blob) {
  const response = await fetch('/api/identify', {
    method: 'POST',
    headers: { 'Content-Type': blob.type || 'image/jpeg' },
    body: blob,
  });
  return readJson(response);
}

/** Parses a JSON response and turns an error body into a thrown Error. */
export async function readJson(response) {
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.error?.message ?? `HTTP ${response.status}`);
    error.status = response.status;
    error.retryAfter = Number(response.headers.get('Retry-After')) || 1;
    throw error;
  }
  return body;
}
