// Exports: a run as CSV (a step column, one column per metric) or JSON
// (everything), a chart as PNG. Files are handed to the browser's download.

/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
function cell(text) {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A number as CSV text that reads back to the same float (NaN, Infinity included). */
const num = (v) => String(v);

/**
 * The run's metrics as a wide CSV: `step,<metric>...`, one row per step that
 * reported anything, an empty cell where a metric was not reported. The
 * importer reads it back to the same frames.
 */
export function toCsv(metrics) {
  const names = Object.keys(metrics);
  const all = new Float64Array(names.reduce((n, k) => n + metrics[k].steps.length, 0));
  let k = 0;
  for (const name of names) { all.set(metrics[name].steps, k); k += metrics[name].steps.length; }
  all.sort();
  const lines = [['step', ...names].map(cell).join(',')];
  const at = names.map(() => 0);
  let last = -1;
  for (const step of all) {
    if (step === last) continue;
    last = step;
    const row = [num(step)];
    names.forEach((name, i) => {
      const s = metrics[name];
      if (at[i] < s.steps.length && s.steps[at[i]] === step) {
        row.push(num(s.values[at[i]]));
        at[i] += 1;
      } else {
        row.push('');
      }
    });
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A JSON-safe number: NaN and the infinities become the strings "NaN", "Infinity", "-Infinity". */
const safe = (v) => (Number.isFinite(v) ? v : String(v));

/** The whole run as JSON: its description (settings, seed, findings, responses) and every metric. */
export function toJson(run, metrics) {
  const out = {
    format: 'failure-lab run',
    version: 1,
    run,
    metrics: Object.fromEntries(Object.entries(metrics).map(([name, s]) => [name, {
      steps: Array.from(s.steps),
      values: Array.from(s.values, safe),
    }])),
  };
  return JSON.stringify(out, null, 1);
}

/** A file name from a run's name: letters, digits, dashes. */
export function fileName(name, ext) {
  const base = String(name).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${base || 'run'}.${ext}`;
}

/** Offers `blob` as a download called `name`. */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Offers a canvas as a PNG download. */
export function downloadPng(canvas, name) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) { reject(new Error('the chart could not be turned into a PNG')); return; }
      download(name, blob);
      resolve();
    }, 'image/png');
  });
}
