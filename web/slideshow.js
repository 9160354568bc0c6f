// The warm-up slideshow: cycles through the prepared images, sends each to
// /api/identify and draws the prediction over it. Query parameter
// `interval` sets the seconds per image (1 to 600, default 8).
import {
  announceFaces,
  describeThreshold,
  drawFaces,
  identify,
} from '/web/draw.js';

const DEFAULT_INTERVAL_SECONDS = 8;
const MIN_INTERVAL_SECONDS = 1;
const MAX_INTERVAL_SECONDS = 600;

const figure = document.getElementById('slide');
const canvas = document.getElementById('canvas');
const caption = document.getElementById('caption');
const status = document.getElementById('status');
const region = document.getElementById('faces');

/** Reads `?interval=SECONDS`, falling back to the default with a message when invalid. */
function readInterval() {
  const raw = new URLSearchParams(location.search).get('interval');
  if (raw === null) return { seconds: DEFAULT_INTERVAL_SECONDS };
  const seconds = Number(raw);
  if (
    Number.isFinite(seconds) &&
    seconds >= MIN_INTERVAL_SECONDS &&
    seconds <= MAX_INTERVAL_SECONDS
  ) {
    return { seconds };
  }
  return {
    seconds: DEFAULT_INTERVAL_SECONDS,
    warning: `interval=${raw} is invalid: expected seconds from ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}; using ${DEFAULT_INTERVAL_SECONDS}.`,
  };
}

function showStatus(text, kind = 'info') {
  status.textContent = text;
  status.dataset.kind = kind;
}

const interval = readInterval();
const results = new Map();
let slides = [];
let index = 0;
let paused = false;
let timer;
let shownCount = 0;

/** Loads an image and its prediction; both are kept, so a second visit is instant. */
async function load(slide) {
  if (!results.has(slide.name)) {
    const pending = (async () => {
      const blob = await (await fetch(slide.url)).blob();
      const bitmap = await createImageBitmap(blob);
      const result = await identify(blob);
      return { bitmap, result };
    })();
    results.set(slide.name, pending);
    pending.catch(() => results.delete(slide.name));
  }
  return results.get(slide.name);
}

function schedule() {
  clearTimeout(timer);
  if (!paused) timer = setTimeout(() => step(1), interval.seconds * 1000);
}

async function show(position) {
  const slide = slides[position];
  figure.dataset.state = 'loading';
  figure.dataset.image = slide.name;
  caption.textContent = slide.caption;
  try {
    const { bitmap, result } = await load(slide);
    if (position !== index) return;
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    drawFaces(context, result.faces);
    announceFaces(region, result.faces);
    shownCount++;
    figure.dataset.state = 'shown';
    figure.dataset.shown = String(shownCount);
    showStatus(
      `${position + 1} / ${slides.length}${paused ? ' (paused)' : ''}; ${describeThreshold(result)}` +
        (interval.warning ? ` ${interval.warning}` : ''),
    );
    // Prepare the next image while this one is on screen.
    load(slides[(position + 1) % slides.length]).catch(() => undefined);
  } catch (error) {
    if (position !== index) return;
    figure.dataset.state = 'error';
    showStatus(`${slide.name}: ${error.message}`, 'error');
  }
  schedule();
}

function step(delta) {
  index = (index + delta + slides.length) % slides.length;
  show(index);
}

document.addEventListener('keydown', (event) => {
  if (slides.length === 0) return;
  if (event.key === ' ') {
    event.preventDefault();
    paused = !paused;
    document.body.dataset.paused = String(paused);
    showStatus(`${index + 1} / ${slides.length}${paused ? ' (paused)' : ''}`);
    schedule();
  } else if (event.key === 'ArrowRight') {
    step(1);
  } else if (event.key === 'ArrowLeft') {
    step(-1);
  }
});

async function start() {
  const response = await fetch('/warmup/manifest.json');
  if (!response.ok) throw new Error(`manifest: HTTP ${response.status}`);
  slides = (await response.json()).slides;
  if (slides.length === 0)
    throw new Error('the warm-up manifest lists no images');
  document.body.dataset.paused = 'false';
  show(0);
}

start().catch((error) =>
  showStatus(`The slideshow could not start: ${error.message}`, 'error'),
);
