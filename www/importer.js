// Importing real training logs: files picked or dropped, read in chunks
// (file.slice) and fed to the wasm LogImport between animation frames, with
// progress; the detectors run over the metric stream in Rust. The run is
// stored only when the whole import succeeded, so a bad file never touches
// the runs already kept. A form maps unknown metric names to the detectors'
// inputs and imports again. The lab's own JSON export is restored as it is.
// Loaded on the first import (main.js binds the file picker and the drop),
// with the full wasm (www/pkg-full) that has the importers.

import { $, el, nextFrame } from './dom.js';
import * as store from './store.js';
import { metricTitle } from './words.js';

/** A mapping target in words: a detector input's title, the step, or a skip. */
const targetText = (t) => (t === '-' ? 'skip this column' : t === 'step' ? 'Step' : metricTitle(t));

const CHUNK = 1 << 20;
const FRAME_MS = 12;
const MAX_BYTES = 512 * 2 ** 20;

const mb = (n) => (n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0);

/** The import panel. */
export class Importer {
  /** `LogImport`: the wasm class; `onImported(id)`: a run was stored. */
  constructor({ LogImport, Board, onImported, onStart }) {
    Object.assign(this, { LogImport, Board, onImported, onStart });
    this.busy = false;
    this.cancelled = false;
    this.targets = LogImport.targets();
    $('import-cancel').addEventListener('click', () => { this.cancelled = true; });
  }

  error(text) {
    $('import-error').hidden = !text;
    $('import-error').textContent = text || '';
  }

  /** What was read: rows, format, time, and any values that are not numbers. */
  summarize(run, metrics) {
    const notes = [];
    for (const [name, s] of Object.entries(metrics)) {
      let bad = 0;
      let first = null;
      s.values.forEach((v, i) => {
        if (!Number.isFinite(v)) {
          bad += 1;
          if (first === null) first = s.steps[i];
        }
      });
      if (bad) notes.push(`${name}: ${bad.toLocaleString('en')} value${bad === 1 ? '' : 's'} NaN or infinite (first at step ${first}), read as data for the detectors`);
    }
    const formats = [...new Set((run.files || []).map((f) => f.format))].join(', ');
    const head = run.files
      ? `Imported ${run.rows.toLocaleString('en')} rows${formats ? ` (${formats})` : ''} in ${run.seconds.toFixed(1)} s: ${Object.keys(metrics).length} metrics, ${run.findings.length} findings.`
      : `Restored ${run.name}: ${run.findings.length} findings.`;
    $('import-summary').hidden = false;
    $('import-summary').textContent = [head, ...notes].join(' ');
  }

  progress(text, fraction) {
    $('import-status').hidden = text === null;
    $('import-progress-text').textContent = text || '';
    $('import-progress').value = fraction ?? 0;
  }

  /** Imports `files` as one run with `mapping` ({name: target}); `replace` is the id of the run it redoes. */
  async run(files, mapping = {}, replace = null) {
    if (this.busy) { this.error('An import is already under way.'); return; }
    this.onStart();
    this.busy = true;
    $('import-drop').dataset.busy = 'true';
    this.cancelled = false;
    this.error('');
    $('mapping').hidden = true;
    $('import-summary').hidden = true;
    try {
      const total = files.reduce((n, f) => n + f.size, 0);
      if (total > MAX_BYTES) throw new Error(`the files hold ${mb(total)} MB; the limit is ${mb(MAX_BYTES)} MB`);
      const own = files.length === 1 ? await this.ownExport(files[0]) : null;
      const { run, metrics, summaries } = own || await this.read(files, mapping, total);
      if (replace) run.id = replace;
      await store.put(run, metrics);
      this.progress(null);
      this.summarize(run, metrics);
      if (summaries) this.showMapping(files, summaries, mapping, run.id);
      await this.onImported(run.id);
    } catch (e) {
      this.progress(null);
      this.error(`Import failed, nothing was stored: ${e.message}`);
    } finally {
      this.busy = false;
      delete $('import-drop').dataset.busy;
    }
  }

  /** Feeds every file to a LogImport; returns the run to store. */
  async read(files, mapping, total) {
    const imp = new this.LogImport(mapping, files.length);
    try {
      let done = 0;
      let rows = 0;
      const started = performance.now();
      let frameStart = performance.now();
      for (const file of files) {
        imp.beginFile(file.name);
        let fileRows = 0;
        for (let at = 0; at < file.size; at += CHUNK) {
          const bytes = new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer());
          fileRows = imp.feed(bytes).rows;
          done += bytes.length;
          if (performance.now() - frameStart > FRAME_MS) {
            this.progress(`${file.name}: ${mb(done)} of ${mb(total)} MB · ${(rows + fileRows).toLocaleString('en')} rows`, done / Math.max(1, total));
            await nextFrame();
            frameStart = performance.now();
            if (this.cancelled) throw new Error('cancelled');
          }
        }
        rows += imp.endFile().rows;
      }
      const summaries = imp.finish();
      const names = imp.metricNames();
      const metrics = {};
      for (const name of names) metrics[name] = { steps: imp.stepsOf(name), values: imp.values(name) };
      const findings = imp.findings();
      const counts = { info: 0, warning: 0, critical: 0 };
      for (const f of findings) counts[f.severity] += 1;
      const label = files.length === 1 ? files[0].name : `${files[0].name} + ${files.length - 1} more`;
      const run = {
        id: store.newId(),
        name: label,
        created: Date.now(),
        updated: Date.now(),
        source: 'import',
        files: summaries,
        mapping,
        rows,
        steps: summaries.reduce((n, s) => n + s.frames, 0),
        metrics: names,
        findings,
        responses: [],
        counts,
        seconds: (performance.now() - started) / 1000,
      };
      return { run, metrics, summaries };
    } finally {
      imp.free();
    }
  }

  /** The lab's own JSON export, restored as it is (null for any other file). */
  async ownExport(file) {
    if (file.size > 256 * 2 ** 20) return null;
    const head = await file.slice(0, 256).text();
    if (!/^\s*\{\s*"format":\s*"failure-lab run"/.test(head)) return null;
    let data;
    try {
      data = JSON.parse(await file.text());
    } catch (e) {
      throw new Error(`${file.name}: a failure-lab export that is not valid JSON (${e.message})`);
    }
    const { run, metrics } = data;
    if (!run || typeof run.name !== 'string' || !Array.isArray(run.findings) || !metrics || typeof metrics !== 'object') {
      throw new Error(`${file.name}: a failure-lab export without its run, findings or metrics`);
    }
    const out = {};
    for (const [name, s] of Object.entries(metrics)) {
      if (!s || !Array.isArray(s.steps) || !Array.isArray(s.values) || s.steps.length !== s.values.length) {
        throw new Error(`${file.name}: metric '${name}' needs steps and values of the same length`);
      }
      out[name] = { steps: Float64Array.from(s.steps, Number), values: Float64Array.from(s.values, Number) };
    }
    // Checked whole by the same code that will draw it, before anything is
    // stored: a run that is stored also opens (issue 11, defect 5).
    if (this.Board) {
      const check = new this.Board();
      try {
        check.add('check', run.name);
        for (const [name, s] of Object.entries(out)) check.addSeries('check', name, s.steps, s.values);
        check.setFindings('check', run.findings);
        check.setActions('check', (run.responses || []).map((r) => r?.step));
      } catch (e) {
        throw new Error(`${file.name}: not restored, nothing stored: ${e.message}`);
      } finally {
        check.free();
      }
    }
    return { run: { ...run, id: store.newId(), created: Date.now(), name: run.name }, metrics: out, summaries: null };
  }

  /** The form mapping each metric name of the files to a detector input, a step, a skip, or itself. */
  showMapping(files, summaries, mapping, id) {
    const form = $('mapping');
    const seen = new Map();
    for (const s of summaries) for (const [original, used] of s.metrics) if (!seen.has(original)) seen.set(original, used);
    const canonical = this.targets.filter((t) => t !== 'step' && t !== '-');
    const unknown = [...seen].filter(([, used]) => !canonical.includes(used));
    const rows = [...seen].map(([original, used]) => {
      const known = canonical.includes(used);
      const select = el('select', { name: original, attrs: { 'aria-label': `Map ${metricTitle(original)}` } },
        el('option', { value: '', text: known ? `${metricTitle(used)} (recognised)` : 'keep as is' }),
        ...this.targets.map((t) => el('option', { value: t, text: targetText(t) })));
      select.value = mapping[original] || '';
      return el('label', { class: known ? '' : 'unknown' }, el('code', { text: metricTitle(original) }), select);
    });
    const summary = unknown.length
      ? `${unknown.length} column${unknown.length === 1 ? '' : 's'} the detectors do not know`
      : `Column mapping: all ${seen.size} recognised`;
    form.replaceChildren(el('details', { open: unknown.length > 0 },
      el('summary', { text: summary }),
      el('p', { class: 'hint', text: unknown.length
        ? 'Map them to a detector input (or skip them) and import again:'
        : 'Change a mapping and import again if one is wrong:' }),
      ...rows,
      el('button', { type: 'submit', class: 'primary', text: 'Import again with this mapping' })));
    form.onsubmit = (e) => {
      e.preventDefault();
      const next = {};
      for (const select of form.querySelectorAll('select')) if (select.value) next[select.name] = select.value;
      this.run(files, next, id);
    };
    form.hidden = false;
  }
}
