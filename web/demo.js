// The live demo: the camera image with boxes, landmarks and names drawn in
// real time, and one-shot enrollment of the person in front of the camera.
// One frame at a time goes to /api/identify: the next is sent only after
// the response arrives, so a slow server is never flooded.
import {
  announceFaces,
  describeThreshold,
  drawFaces,
  identify,
  readJson,
} from '/web/draw.js';

const video = document.getElementById('video');
const canvas = document.getElementById('canvas');
const status = document.getElementById('status');
// Enrollment messages have their own line, so the next frame's status does
// not overwrite them.
const enrollStatus = document.getElementById('enroll-status');
const region = document.getElementById('faces');
const form = document.getElementById('enroll');
const nameInput = document.getElementById('name');
const capture = document.createElement('canvas');

if (new URLSearchParams(location.search).has('embedded')) {
  document.body.classList.add('embedded');
}

let faces = [];
let frames = 0;

function showStatus(text, kind = 'info', element = status) {
  element.textContent = text;
  element.dataset.kind = kind;
}

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

/** Copies the current video frame to the capture canvas and encodes it as JPEG. */
function grabFrame() {
  capture.width = video.videoWidth;
  capture.height = video.videoHeight;
  capture.getContext('2d').drawImage(video, 0, 0);
  return new Promise((done, fail) =>
    capture.toBlob(
      (blob) => (blob ? done(blob) : fail(new Error('frame encoding failed'))),
      'image/jpeg',
      0.85,
    ),
  );
}

/** Draws the live video with the latest results, every display frame. */
function render() {
  if (video.videoWidth > 0) {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d');
    context.drawImage(video, 0, 0);
    drawFaces(context, faces);
  }
  requestAnimationFrame(render);
}

/** Sends one frame at a time, waiting for each response, and for Retry-After on 503. */
async function identifyLoop() {
  for (;;) {
    try {
      const result = await identify(await grabFrame());
      faces = result.faces;
      frames++;
      announceFaces(region, faces);
      region.dataset.frames = String(frames);
      showStatus(
        `${faces.length} face(s), ${frames} frame(s) identified; ${describeThreshold(result)}`,
      );
    } catch (error) {
      showStatus(`Identification failed: ${error.message}`, 'error');
      await sleep(1000 * (error.retryAfter ?? 1));
    }
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const label = nameInput.value.trim();
  if (label === '' || video.videoWidth === 0) return;
  showStatus(`Enrolling ${label}…`, 'info', enrollStatus);
  try {
    const response = await fetch(
      `/api/enroll?label=${encodeURIComponent(label)}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'image/jpeg' },
        body: await grabFrame(),
      },
    );
    const body = await readJson(response);
    showStatus(
      `Enrolled ${body.label} (${body.photos} photo(s)); the gallery has ${body.gallery.people} people.`,
      'info',
      enrollStatus,
    );
  } catch (error) {
    showStatus(`Enrollment failed: ${error.message}`, 'error', enrollStatus);
  }
});

/** Explains a getUserMedia failure in words a presenter can act on. */
function cameraMessage(error) {
  if (error.name === 'NotAllowedError')
    return 'Camera access was denied. Allow the camera for this page in the browser settings, then reload.';
  if (error.name === 'NotFoundError' || error.name === 'OverconstrainedError')
    return 'No camera was found. Connect a camera, then reload.';
  if (error.name === 'NotReadableError')
    return 'The camera is in use by another application. Close it, then reload.';
  return `The camera could not start (${error.name}: ${error.message}).`;
}

async function start() {
  if (!navigator.mediaDevices?.getUserMedia) {
    showStatus(
      'This browser gives no camera access here. Open the demo on http://localhost or http://127.0.0.1.',
      'error',
    );
    return;
  }
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({
      video: { width: 640, height: 480 },
      audio: false,
    });
    await video.play();
  } catch (error) {
    document.body.dataset.camera = 'unavailable';
    showStatus(cameraMessage(error), 'error');
    return;
  }
  document.body.dataset.camera = 'on';
  showStatus('Camera on; identifying…');
  requestAnimationFrame(render);
  identifyLoop();
}

start();
