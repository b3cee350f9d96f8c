// The Imagine playground: a chat-like page over the JSON API (see /api/openapi.yaml). Plain browser JavaScript.
'use strict';

const KEY_STORAGE = 'imagine.apiKey';
const OPTIONS_STORAGE = 'imagine.options';
const FINAL_EVENTS = ['finished', 'failed', 'cancelled', 'deleted'];
const ALL_EVENTS = ['queued', 'started', 'progress', 'notice', ...FINAL_EVENTS];

const chat = document.getElementById('chat');
const composer = document.getElementById('composer');
const promptBox = document.getElementById('prompt');
const drawButton = document.getElementById('draw');
const fields = {
  seed: document.getElementById('seed'),
  steps: document.getElementById('steps'),
  size: document.getElementById('size'),
  guidance: document.getElementById('guidance'),
  decoder: document.getElementById('decoder'),
  promptSyntax: document.getElementById('prompt-syntax'),
  precision: document.getElementById('precision'),
};
/** The precision choice that draws the same seed with both UNets, next to each other. */
const BOTH_PRECISIONS = 'both';
const streams = new Map();
const picture = {
  input: document.getElementById('picture'),
  chosen: document.getElementById('picture-chosen'),
  preview: document.getElementById('picture-preview'),
  name: document.getElementById('picture-name'),
  strength: document.getElementById('strength'),
  file: null,
};
const DRAWING_ACTIONS = {
  replay: 'Same seed: ',
  reroll: 'Re-roll: ',
  vary: 'Vary (subtle): ',
  'vary-strong': 'Vary (strong): ',
  upscale: 'Upscale 2×: ',
  'upscale-detailed': 'Upscale 2× (detailed): ',
  'zoom-out-1.5': 'Zoom out 1.5×: ',
  'zoom-out-2': 'Zoom out 2×: ',
  'pan-left': 'Pan ⬅: ',
  'pan-right': 'Pan ➡: ',
  'pan-up': 'Pan ⬆: ',
  'pan-down': 'Pan ⬇: ',
};
let info = null;

// ---- talking to the server ----

function storedKey() {
  try {
    return localStorage.getItem(KEY_STORAGE);
  } catch (e) {
    return null;
  }
}

/** The key also goes into a cookie: EventSource and <img> cannot send an Authorization header. */
function rememberKey(key) {
  try {
    localStorage.setItem(KEY_STORAGE, key);
  } catch (e) {
    // Private windows may refuse storage; the cookie still works for this session.
  }
  document.cookie = 'imagine_key=' + encodeURIComponent(key) + '; path=/; SameSite=Strict';
}

function askForKey() {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key');
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const key = input.value.trim();
      input.value = '';
      if (key) {
        rememberKey(key);
      }
      resolve(Boolean(key));
    }, { once: true });
    dialog.showModal();
  });
}

/** Calls the API; asks for the key once when the server wants one. Returns {status, data}. */
async function api(method, path, body, retried) {
  const headers = { Accept: 'application/json' };
  const key = storedKey();
  if (key) {
    headers.Authorization = 'Bearer ' + key;
  }
  const options = { method, headers, credentials: 'same-origin' };
  if (body instanceof FormData) {
    // The browser writes the multipart Content-Type with its boundary.
    options.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    return { status: 0, data: { error: 'Imagine cannot be reached; is it still running?' } };
  }
  if (response.status === 401 && !retried) {
    if (await askForKey()) {
      return api(method, path, body, true);
    }
  }
  let data = {};
  try {
    data = await response.json();
  } catch (e) {
    data = { error: 'The server answered ' + response.status + ' without a message.' };
  }
  return { status: response.status, data };
}

// ---- building the conversation ----

function scrollToEnd() {
  chat.scrollTop = chat.scrollHeight;
}

function addUserMessage(text, detail) {
  const message = document.createElement('div');
  message.className = 'msg user';
  message.textContent = text;
  if (detail) {
    const small = document.createElement('small');
    small.textContent = detail;
    message.appendChild(small);
  }
  chat.appendChild(message);
  scrollToEnd();
}

function addRefusal(text) {
  const message = document.createElement('div');
  message.className = 'msg bot refusal';
  message.setAttribute('role', 'alert');
  message.textContent = text || 'Sorry, that did not work.';
  chat.appendChild(message);
  scrollToEnd();
}

/** The bubble of a job, made at the end of the conversation (or in {@code parent}, a side-by-side pair) if new. */
function jobBubble(jobId, parent) {
  let bubble = chat.querySelector('article.job[data-job-id="' + jobId + '"]');
  if (!bubble) {
    bubble = document.getElementById('job-template').content.firstElementChild.cloneNode(true);
    bubble.dataset.jobId = jobId;
    bubble.dataset.events = '';
    bubble.dataset.progress = '';
    bubble.addEventListener('click', onAction);
    (parent || chat).appendChild(bubble);
  }
  return bubble;
}

function record(bubble, key, value) {
  bubble.dataset[key] = bubble.dataset[key] ? bubble.dataset[key] + ',' + value : value;
}

function setStatus(bubble, text) {
  bubble.querySelector('.status').textContent = text;
}

function formatNumber(value) {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

function captionText(job, elapsedSeconds) {
  const parts = ['seed ' + job.seed, job.steps + (job.steps === 1 ? ' step' : ' steps'), job.size,
    'guidance ' + formatNumber(job.guidance)];
  if (job.decoder !== 'full') {
    parts.push(job.decoder + ' decoder');
  }
  if (job.promptSyntax === 'plain') {
    parts.push('plain prompt');
  }
  if (job.precision && (job.precision === 'int8' || (info && info.precisions.length > 1))) {
    parts.push(job.precision + ' UNet');
  }
  if (job.kind && job.kind !== 'text-to-image') {
    parts.push(job.kind.replace(/-/g, ' ') + (typeof job.strength === 'number' ? ' ' + formatNumber(job.strength) : ''));
  }
  const seconds = typeof elapsedSeconds === 'number' ? elapsedSeconds : job.seconds;
  if (job.fromCache) {
    parts.push('from cache');
  } else if (typeof seconds === 'number') {
    parts.push(formatNumber(seconds) + ' s');
  }
  return parts.join(' · ');
}

/** Draws a job's state into its bubble. */
/** A flagged picture stays blurred until it is clicked (or Enter is pressed on it). */
function hideUntilClicked(image) {
  image.classList.add('spoiler');
  image.tabIndex = 0;
  image.title = 'The picture classifier flagged this picture: click to show it';
  const reveal = () => {
    image.classList.remove('spoiler');
    image.removeAttribute('title');
    image.removeAttribute('tabindex');
  };
  image.addEventListener('click', reveal, { once: true });
  image.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      reveal();
    }
  });
}

function render(bubble, job, extra) {
  bubble.dataset.state = job.state;
  const bar = bubble.querySelector('.bar');
  const pending = bubble.querySelector('.pending-actions');
  const actions = bubble.querySelector('.actions');
  pending.hidden = !(job.mine && (job.state === 'queued' || job.state === 'running'));
  if (job.state === 'queued') {
    setStatus(bubble, typeof extra.position === 'number'
      ? 'queued #' + extra.position + ' · ' + extra.eta : 'queued · waiting for the same picture');
  } else if (job.state === 'running') {
    setStatus(bubble, 'drawing…');
    bar.hidden = false;
  } else if (job.state === 'done' && job.images.length > 0) {
    bar.hidden = true;
    setStatus(bubble, '');
    const result = bubble.querySelector('.result');
    result.replaceChildren(...job.images.map((url, index) => {
      const image = document.createElement('img');
      image.className = 'result-image';
      image.src = url;
      image.width = job.width;
      image.height = job.height;
      image.alt = job.prompt + (job.images.length > 1 ? ' (' + (index + 1) + ')' : '');
      if (job.spoilers && job.spoilers[index]) {
        hideUntilClicked(image);
      }
      return image;
    }));
    const caption = bubble.querySelector('.caption');
    const quote = document.createElement('q');
    quote.textContent = job.prompt;
    caption.replaceChildren(quote, document.createTextNode(' · ' + captionText(job, extra.elapsedSeconds)));
    caption.hidden = false;
    const reading = bubble.querySelector('.reading');
    reading.textContent = job.promptReading && job.promptReading.text ? job.promptReading.text : '';
    reading.hidden = reading.textContent === '';
    actions.hidden = false;
    actions.querySelector('[data-action="delete"]').hidden = !job.mine;
    bubble.drawn = { job, seconds: typeof extra.elapsedSeconds === 'number' ? extra.elapsedSeconds : job.seconds };
    const pair = bubble.closest('.compare');
    if (pair) {
      compareWhenBothDrawn(pair);
    }
  } else {
    bar.hidden = true;
    actions.hidden = true;
    bubble.querySelector('.result').replaceChildren();
    bubble.querySelector('.caption').hidden = true;
    bubble.querySelector('.reading').hidden = true;
    const words = { failed: 'It did not work: ', cancelled: 'Cancelled: ', deleted: '' };
    setStatus(bubble, (words[job.state] || '') + (extra.message || job.message || job.state));
  }
}

/** Follows a job's server-sent events until a final one. */
function follow(jobId) {
  if (streams.has(jobId)) {
    return;
  }
  const source = new EventSource('/api/jobs/' + jobId + '/events');
  streams.set(jobId, source);
  const bubble = jobBubble(jobId);
  for (const name of ALL_EVENTS) {
    source.addEventListener(name, (event) => {
      const data = JSON.parse(event.data);
      record(bubble, 'events', name);
      if (name === 'progress') {
        const bar = bubble.querySelector('.bar');
        bar.hidden = false;
        bar.max = data.totalSteps;
        bar.value = data.step;
        record(bubble, 'progress', data.step + '/' + data.totalSteps);
        bubble.dataset.state = 'running';
        setStatus(bubble, 'drawing · step ' + data.step + ' of ' + data.totalSteps);
      } else if (name === 'notice') {
        const note = document.createElement('p');
        note.className = 'notice';
        note.textContent = data.message;
        bubble.insertBefore(note, bubble.querySelector('.result'));
      } else {
        render(bubble, data.job, data);
      }
      if (FINAL_EVENTS.includes(name)) {
        source.close();
        streams.delete(jobId);
        refreshQueue();
      }
      scrollToEnd();
    });
  }
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      streams.delete(jobId);
      setStatus(bubble, 'Lost track of this picture; reload the page to see how it ended.');
    }
  };
}

/** Shows the answer to a submit, replay or re-roll ({@code parent}: the side-by-side pair it belongs in). */
function showAnswer(answer, parent) {
  if (answer.status === 200 || answer.status === 202) {
    const job = answer.data.job;
    const bubble = jobBubble(job.id, parent);
    record(bubble, 'events', answer.status === 200 ? 'answered' : 'accepted');
    render(bubble, job, answer.data);
    if (job.state !== 'done') {
      follow(job.id);
    }
    scrollToEnd();
    refreshQueue();
  } else {
    addRefusal(answer.data.error);
  }
}

function describeOptions(body) {
  const parts = [];
  if (body.seed !== undefined) {
    parts.push('seed ' + body.seed);
  }
  if (body.steps !== undefined) {
    parts.push(body.steps + ' steps');
  }
  if (body.size) {
    parts.push(body.size);
  }
  if (body.guidance !== undefined) {
    parts.push('guidance ' + body.guidance);
  }
  if (body.decoder && body.decoder !== 'full') {
    parts.push(body.decoder + ' decoder');
  }
  if (body.promptSyntax === 'plain') {
    parts.push('plain prompt');
  }
  if (body.precision) {
    parts.push(body.precision === BOTH_PRECISIONS ? 'fp32 and int8 side by side' : body.precision + ' UNet');
  }
  return parts.join(' · ');
}

async function onAction(event) {
  const button = event.target.closest('button[data-action]');
  if (!button || button.disabled) {
    return;
  }
  const bubble = button.closest('article.job');
  const jobId = bubble.dataset.jobId;
  const prompt = bubble.querySelector('.caption q');
  const about = prompt ? '“' + prompt.textContent + '”' : 'this picture';
  const action = button.dataset.action;
  button.disabled = true;
  try {
    if (DRAWING_ACTIONS[action]) {
      addUserMessage(DRAWING_ACTIONS[action] + about);
      showAnswer(await api('POST', '/api/jobs/' + jobId + '/' + action));
    } else if (action === 'inpaint') {
      openInpaint(bubble);
    } else if (action === 'inpaint-clear') {
      clearInpaint(bubble);
    } else if (action === 'inpaint-close') {
      bubble.querySelector('form.inpaint').hidden = true;
    } else if (action === 'delete') {
      const answer = await api('DELETE', '/api/jobs/' + jobId);
      if (answer.status === 200) {
        render(bubble, answer.data.job, { message: 'Deleted.' });
      } else {
        addRefusal(answer.data.error);
      }
    } else if (action === 'cancel') {
      const answer = await api('POST', '/api/jobs/' + jobId + '/cancel');
      if (answer.status === 200) {
        render(bubble, answer.data.job, answer.data);
      } else if (answer.status !== 202) {
        addRefusal(answer.data.error);
      }
    }
  } finally {
    button.disabled = false;
  }
}

// ---- inpainting: a brush over the picture paints the mask ----

/**
 * Opens the brush over the job's first picture. The canvas shows the picture with the paint over it; a second canvas
 * of the picture's own size keeps the mask itself: white where painted (redraw), black elsewhere (keep).
 */
function openInpaint(bubble) {
  const form = bubble.querySelector('form.inpaint');
  const image = bubble.querySelector('img.result-image');
  if (!image || !image.complete) {
    return;
  }
  const canvas = form.querySelector('.inpaint-canvas');
  if (!form.mask) {
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    form.mask = document.createElement('canvas');
    form.mask.width = image.naturalWidth;
    form.mask.height = image.naturalHeight;
    form.image = image;
    clearInpaint(bubble);
    let painting = false;
    const paint = (event) => {
      const box = canvas.getBoundingClientRect();
      const x = (event.clientX - box.left) * canvas.width / box.width;
      const y = (event.clientY - box.top) * canvas.height / box.height;
      const radius = Number(form.querySelector('.inpaint-brush').value) / 2;
      for (const [target, colour] of [[form.mask, '#ffffff'], [canvas, 'rgba(255, 64, 160, 0.55)']]) {
        const context = target.getContext('2d');
        context.fillStyle = colour;
        context.beginPath();
        context.arc(x, y, radius, 0, 2 * Math.PI);
        context.fill();
      }
      form.dataset.painted = 'true';
    };
    canvas.addEventListener('pointerdown', (event) => {
      painting = true;
      canvas.setPointerCapture(event.pointerId);
      paint(event);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (painting) {
        paint(event);
      }
    });
    canvas.addEventListener('pointerup', () => {
      painting = false;
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sendInpaint(bubble);
    });
  }
  form.hidden = false;
  form.querySelector('.inpaint-prompt').focus();
}

function clearInpaint(bubble) {
  const form = bubble.querySelector('form.inpaint');
  if (!form.mask) {
    return;
  }
  const mask = form.mask.getContext('2d');
  mask.fillStyle = '#000000';
  mask.fillRect(0, 0, form.mask.width, form.mask.height);
  const canvas = form.querySelector('.inpaint-canvas');
  canvas.getContext('2d').drawImage(form.image, 0, 0, canvas.width, canvas.height);
  delete form.dataset.painted;
}

/** Sends the mask as a PNG with the job as the picture to paint in: multipart, fields mask and sourceJob. */
async function sendInpaint(bubble) {
  const form = bubble.querySelector('form.inpaint');
  const words = form.querySelector('.inpaint-prompt').value.trim();
  if (!form.dataset.painted) {
    addRefusal('Paint over the part of the picture to redraw first.');
    return;
  }
  const blob = await new Promise((resolve) => form.mask.toBlob(resolve, 'image/png'));
  const body = new FormData();
  body.append('sourceJob', bubble.dataset.jobId);
  if (words !== '') {
    body.append('prompt', words);
  }
  body.append('mask', blob, 'mask.png');
  const prompt = bubble.querySelector('.caption q');
  addUserMessage('Inpaint: ' + (words || (prompt ? '“' + prompt.textContent + '”' : 'this picture')));
  form.hidden = true;
  showAnswer(await api('POST', '/api/jobs', body));
}

// ---- fp32 and int8 side by side ----

/** A message holding two jobs next to each other, and the line that compares them once both are drawn. */
function comparisonPair(seed) {
  const pair = document.createElement('div');
  pair.className = 'msg bot compare';
  pair.dataset.seed = String(seed);
  const jobs = document.createElement('div');
  jobs.className = 'pair';
  const line = document.createElement('p');
  line.className = 'comparison muted';
  line.textContent = 'fp32 and int8 with seed ' + seed + ': the comparison follows when both are drawn.';
  pair.append(jobs, line);
  chat.appendChild(pair);
  return pair;
}

/** The RGB pixels of a drawn picture, read through a canvas (the picture comes from this same origin). */
async function pixelsOf(image) {
  if (!image.complete || image.naturalWidth === 0) {
    await new Promise((resolve, reject) => {
      image.addEventListener('load', resolve, { once: true });
      image.addEventListener('error', reject, { once: true });
    });
  }
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, canvas.width, canvas.height).data;
}

/** The peak signal-to-noise ratio of {@code b} against {@code a} over the red, green and blue of every pixel, in dB. */
function psnr(a, b) {
  let squares = 0;
  let count = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a[i + c] - b[i + c];
      squares += d * d;
      count++;
    }
  }
  return squares === 0 ? Infinity : 10 * Math.log10(255 * 255 / (squares / count));
}

function timeOf(drawn) {
  if (drawn.job.fromCache) {
    return 'from cache';
  }
  return typeof drawn.seconds === 'number' ? formatNumber(drawn.seconds) + ' s' : 'time unknown';
}

/** Once both pictures of a pair are drawn: their times and the PSNR of the int8 picture against the fp32 one. */
async function compareWhenBothDrawn(pair) {
  const bubbles = [...pair.querySelectorAll('article.job')];
  const byPrecision = {};
  for (const bubble of bubbles) {
    if (bubble.drawn) {
      byPrecision[bubble.drawn.job.precision] = bubble;
    }
  }
  const fp32 = byPrecision.fp32;
  const int8 = byPrecision.int8;
  if (!fp32 || !int8 || pair.dataset.compared) {
    return;
  }
  pair.dataset.compared = 'pending';
  const line = pair.querySelector('.comparison');
  try {
    const [a, b] = await Promise.all([pixelsOf(fp32.querySelector('img.result-image')),
      pixelsOf(int8.querySelector('img.result-image'))]);
    const value = a.length === b.length ? psnr(a, b) : NaN;
    pair.dataset.psnr = Number.isFinite(value) ? value.toFixed(2) : String(value);
    const words = Number.isNaN(value) ? 'the pictures differ in size'
      : value === Infinity ? 'identical pictures (PSNR ∞)' : 'PSNR of int8 against fp32 ' + value.toFixed(2) + ' dB';
    line.textContent = 'fp32 ' + timeOf(fp32.drawn) + ' · int8 ' + timeOf(int8.drawn) + ' · ' + words;
    line.classList.remove('muted');
    pair.dataset.compared = 'true';
  } catch (e) {
    line.textContent = 'The pictures could not be read to compare them.';
    pair.dataset.compared = 'failed';
  }
}

/** Draws the request with both UNets and the same seed (a random one when none was given), next to each other. */
async function submitBoth(body, withPicture) {
  const seed = body.seed !== undefined ? body.seed : Math.floor(Math.random() * (info.limits.maxSeed + 1));
  const pair = comparisonPair(seed);
  for (const precision of ['fp32', 'int8']) {
    const one = Object.assign({}, body, { seed, precision });
    const answer = await api('POST', '/api/jobs', withPicture ? uploadForm(one) : one);
    showAnswer(answer, pair.querySelector('.pair'));
    if (answer.status !== 200 && answer.status !== 202) {
      pair.remove();
      return answer;
    }
  }
  return { status: 202 };
}

// ---- the composer ----

function requestBody() {
  const body = { prompt: promptBox.value.trim() };
  if (fields.seed.value.trim() !== '') {
    body.seed = Number(fields.seed.value);
  }
  if (fields.steps.value) {
    body.steps = Number(fields.steps.value);
  }
  if (fields.size.value) {
    body.size = fields.size.value;
  }
  if (fields.guidance.value.trim() !== '') {
    body.guidance = Number(fields.guidance.value);
  }
  if (fields.decoder.value) {
    body.decoder = fields.decoder.value;
  }
  if (fields.promptSyntax.value) {
    body.promptSyntax = fields.promptSyntax.value;
  }
  // Only offered when both UNets are loaded; "both" is not a request field but two requests (submitBoth).
  if (!document.getElementById('precision-choice').hidden && fields.precision.value
      && fields.precision.value !== BOTH_PRECISIONS) {
    body.precision = fields.precision.value;
  }
  return body;
}

function saveOptions() {
  const saved = {};
  for (const [name, field] of Object.entries(fields)) {
    saved[name] = field.value;
  }
  try {
    localStorage.setItem(OPTIONS_STORAGE, JSON.stringify(saved));
  } catch (e) {
    // Not essential.
  }
}

function restoreOptions() {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(OPTIONS_STORAGE) || 'null');
  } catch (e) {
    saved = null;
  }
  if (!saved) {
    return;
  }
  for (const [name, field] of Object.entries(fields)) {
    const value = saved[name];
    if (typeof value !== 'string') {
      continue;
    }
    if (field.tagName === 'SELECT' && ![...field.options].some((option) => option.value === value)) {
      continue;
    }
    field.value = value;
  }
}

/** The request with the chosen picture: multipart, the picture in the field "image", the rest as text fields. */
function uploadForm(body) {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    form.append(name, String(value));
  }
  form.append('strength', picture.strength.value);
  form.append('image', picture.file, picture.file.name);
  return form;
}

function choosePicture(file) {
  if (!file) {
    return;
  }
  picture.file = file;
  if (picture.preview.src) {
    URL.revokeObjectURL(picture.preview.src);
  }
  picture.preview.src = URL.createObjectURL(file);
  picture.name.textContent = file.name;
  picture.chosen.hidden = false;
  document.body.dataset.picture = file.name;
  promptBox.focus();
}

function removePicture() {
  picture.file = null;
  picture.input.value = '';
  if (picture.preview.src) {
    URL.revokeObjectURL(picture.preview.src);
  }
  picture.preview.removeAttribute('src');
  picture.chosen.hidden = true;
  delete document.body.dataset.picture;
}

function setUpPicture() {
  picture.input.addEventListener('change', () => choosePicture(picture.input.files[0]));
  document.getElementById('picture-remove').addEventListener('click', removePicture);
  // Drop a picture anywhere on the page.
  document.addEventListener('dragover', (event) => {
    if (event.dataTransfer && [...event.dataTransfer.types].includes('Files')) {
      event.preventDefault();
      document.body.classList.add('dropping');
    }
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
  document.addEventListener('drop', (event) => {
    document.body.classList.remove('dropping');
    if (event.dataTransfer && event.dataTransfer.files.length > 0) {
      event.preventDefault();
      choosePicture(event.dataTransfer.files[0]);
    }
  });
}

async function submit(event) {
  event.preventDefault();
  const body = requestBody();
  if (!body.prompt && !picture.file) {
    promptBox.focus();
    return;
  }
  drawButton.disabled = true;
  try {
    const withPicture = picture.file !== null;
    const both = !document.getElementById('precision-choice').hidden && fields.precision.value === BOTH_PRECISIONS;
    addUserMessage(body.prompt || '(the picture\'s own prompt)', (withPicture ? 'from ' + picture.file.name
      + ' · strength ' + picture.strength.value + ' · ' : '')
      + describeOptions(both ? Object.assign({ precision: BOTH_PRECISIONS }, body) : body));
    saveOptions();
    if (withPicture) {
      // The picture keeps its own size unless one is chosen here on purpose.
      delete body.size;
    }
    let answer;
    if (both) {
      answer = await submitBoth(body, withPicture);
    } else {
      answer = await api('POST', '/api/jobs', withPicture ? uploadForm(body) : body);
      showAnswer(answer);
    }
    if (answer.status === 200 || answer.status === 202) {
      promptBox.value = '';
      removePicture();
    }
  } finally {
    drawButton.disabled = false;
    promptBox.focus();
  }
}

function fillSelect(select, values, chosen, label) {
  select.replaceChildren(...values.map((value) => {
    const option = document.createElement('option');
    option.value = String(value);
    option.textContent = label ? label(value) : String(value);
    option.selected = String(value) === String(chosen);
    return option;
  }));
}

function setUpOptions() {
  const steps = [];
  for (let i = info.limits.minSteps; i <= info.limits.maxSteps; i++) {
    steps.push(i);
  }
  fillSelect(fields.steps, steps, info.defaults.steps);
  fillSelect(fields.size, info.sizes, info.defaults.size, (size) => size === '256x256' ? size + ' (quick test)' : size);
  fillSelect(fields.decoder, info.decoders, info.defaults.decoder);
  fillSelect(fields.promptSyntax, info.promptSyntaxes, info.defaults.promptSyntax);
  // Both UNets loaded (model.compare-precision): either one, or the same seed with both next to each other.
  const precisions = info.precisions || [];
  document.getElementById('precision-choice').hidden = precisions.length < 2;
  if (precisions.length > 1) {
    fillSelect(fields.precision, [...precisions, BOTH_PRECISIONS], info.defaults.precision,
      (value) => value === BOTH_PRECISIONS ? 'both side by side' : value);
  }
  document.getElementById('prompt-help').textContent = info.promptHelp;
  fields.guidance.min = info.limits.minGuidance;
  fields.guidance.max = info.limits.maxGuidance;
  fields.guidance.value = info.defaults.guidance;
  fields.seed.max = info.limits.maxSeed;
  promptBox.maxLength = info.limits.maxPromptLength;
  restoreOptions();
}

async function refreshQueue() {
  const answer = await api('GET', '/api/queue');
  if (answer.status === 200) {
    const waiting = answer.data.waiting;
    document.getElementById('queue').textContent = (waiting === 1 ? '1 picture waiting' : waiting
      + ' pictures waiting') + (answer.data.drawing ? ' · one being drawn' : '');
  }
}

async function loadHistory() {
  const answer = await api('GET', '/api/jobs');
  if (answer.status !== 200) {
    return;
  }
  const jobs = answer.data.jobs.slice().reverse();
  for (const job of jobs) {
    addUserMessage(job.prompt, describeOptions({ seed: job.seed, steps: job.steps, size: job.size,
      guidance: formatNumber(job.guidance), decoder: job.decoder, promptSyntax: job.promptSyntax }));
    const bubble = jobBubble(job.id);
    render(bubble, job, job);
    if (job.state === 'queued' || job.state === 'running') {
      follow(job.id);
    }
  }
  scrollToEnd();
}

async function start() {
  const answer = await api('GET', '/api/info');
  if (answer.status !== 200) {
    addRefusal(answer.data.error || 'Imagine is not answering; try reloading the page.');
    return;
  }
  info = answer.data;
  if (storedKey()) {
    rememberKey(storedKey());
  }
  document.getElementById('model').textContent = info.model;
  setUpOptions();
  composer.addEventListener('submit', submit);
  setUpPicture();
  promptBox.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  await loadHistory();
  await refreshQueue();
  document.body.dataset.ready = 'true';
  promptBox.focus();
}

start();
