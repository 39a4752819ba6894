// The guided path (the Course tab): the course's exercise in three parts,
// each step checked automatically against the lab's real state
// (course-probes.js), hints one at a time, reference solutions revealed a
// few lines at a time, progress kept in this browser and exported as a
// report (JSON, and a printable page). A strip above the charts shows the
// current step and its check while you work in the other tabs. Loaded by
// course-hook.js when the tab is first opened (or when progress exists).

import { $, el, when } from './dom.js';
import { download } from './io.js';
import { showTab } from './layout.js';
import { PARTS, STEPS } from './course-parts.js';
import { PROBES } from './course-probes.js';
import { READING, SECTIONS } from './course-reference.js';

/** Where progress is kept (localStorage), and its format's version. */
export const PROGRESS_KEY = 'failure-lab:course';
const VERSION = 1;
/** The current step's check runs this often, in ms. */
const CHECK_MS = 500;
/** A solution is revealed this many lines at a time. */
const SOLUTION_LINES = 4;

export function loadProgress() {
  try {
    const p = JSON.parse(localStorage.getItem(PROGRESS_KEY) || 'null');
    if (p && p.version === VERSION && p.steps) return p;
  } catch { /* unreadable: start again */ }
  return { version: VERSION, current: STEPS[0].id, started: Date.now(), name: '', steps: {} };
}

/** What a step's check says it verifies, in words. */
export const checkText = (step) => PROBES[step.check.probe].says(step.check.args);

export class Course {
  /**
   * `panel`: the Course tab's panel; `bar`: the strip above the charts;
   * `lab`: the page's state and handles (see course-probes.js), with
   * `loadPreset(id)`, `faultDoc(id)` and `detectorDoc(id)`.
   */
  constructor({ panel, bar, lab, onError }) {
    Object.assign(this, { panel, bar, lab, onError });
    this.progress = loadProgress();
    this.view = 'path';
    this.solutions = new Map();
    this.lastNote = '';
    this.render();
    this.renderBar();
    setInterval(() => this.tick(), CHECK_MS);
  }

  get step() {
    return STEPS.find((s) => s.id === this.progress.current) || STEPS[0];
  }

  record(id) {
    this.progress.steps[id] ??= { hints: 0, solution: 0 };
    return this.progress.steps[id];
  }

  save() {
    try {
      localStorage.setItem(PROGRESS_KEY, JSON.stringify(this.progress));
    } catch (e) {
      this.onError?.(`Could not save your progress in this browser: ${e.message}`);
    }
  }

  go(id) {
    this.progress.current = id;
    this.view = 'path';
    this.lastNote = '';
    this.save();
    this.render();
    this.renderBar();
    this.panel.scrollTop = 0;
    this.panel.closest('.side')?.scrollTo(0, 0);
  }

  doneCount() {
    return STEPS.filter((s) => this.progress.steps[s.id]?.done).length;
  }

  // ---- the check --------------------------------------------------------------

  /** Runs the current step's check; ticks it (and saves) once it passes. */
  tick() {
    const step = this.step;
    const rec = this.progress.steps[step.id];
    if (rec?.done) return;
    const gate = this.gate(step);
    let result;
    if (gate) {
      result = { ok: false, note: gate };
    } else {
      try {
        result = PROBES[step.check.probe].run(this.lab, step.check.args, { answer: rec?.answer, prediction: rec?.prediction });
      } catch (e) {
        result = { ok: false, note: `could not check yet (${e.message})` };
      }
    }
    if (result.ok) {
      Object.assign(this.record(step.id), { done: Date.now(), note: result.note });
      this.save();
      this.render();
      this.renderBar();
      return;
    }
    if (result.note !== this.lastNote) {
      this.lastNote = result.note;
      for (const node of document.querySelectorAll('.course-note')) node.textContent = result.note;
    }
  }

  /** What must come first: the prediction, the answer. */
  gate(step) {
    const rec = this.progress.steps[step.id];
    if (step.predict && !rec?.prediction) return 'make your prediction first';
    if (step.ask && (rec?.answer === undefined || rec.answer === '')) return 'type your answer first';
    return '';
  }

  // ---- the panel ------------------------------------------------------------------

  render() {
    const done = this.doneCount();
    const views = [['path', 'Path'], ['reference', 'Course reference'], ['report', 'Report']];
    this.panel.replaceChildren(
      el('div', { class: 'course-head' },
        el('h2', { text: 'When training goes wrong: the guided path' }),
        el('p', { class: 'course-progress', id: 'course-progress', data: { done: String(done), total: String(STEPS.length) } },
          el('progress', { max: STEPS.length, value: done }), ` ${done} of ${STEPS.length} steps`)),
      el('div', { class: 'course-views', role: 'group', attrs: { 'aria-label': 'Course views' } },
        ...views.map(([id, label]) => el('button', {
          type: 'button', id: `course-view-${id}`, text: label, class: this.view === id ? 'on' : '',
          attrs: { 'aria-pressed': String(this.view === id) }, onclick: () => { this.view = id; this.render(); },
        }))),
      this.view === 'reference' ? this.reference() : this.view === 'report' ? this.report() : this.path());
  }

  path() {
    const step = this.step;
    return el('div', { class: 'course-path' }, this.outline(step), this.stepView(step));
  }

  outline(current) {
    return el('details', { class: 'course-outline', open: this.doneCount() === 0 && current.id === STEPS[0].id },
      el('summary', { text: 'All steps' }),
      ...PARTS.map((part, i) => el('div', { class: 'course-part' },
        el('h3', { text: `Part ${i + 1}: ${part.title}` }),
        el('p', { class: 'hint', text: `${part.course}. ${part.intro}` }),
        el('ol', {}, ...part.steps.map((s) => {
          const full = STEPS.find((x) => x.id === s.id);
          const ok = Boolean(this.progress.steps[s.id]?.done);
          return el('li', { class: ok ? 'done' : '', data: { step: s.id } },
            el('button', {
              type: 'button', class: 'link-button', text: `${ok ? '✓' : '○'} ${full.number} ${s.title}`,
              attrs: { 'aria-current': String(s.id === current.id) }, onclick: () => this.go(s.id),
            }), el('span', { class: 'course-min', text: ` ${s.minutes} min` }));
        })))));
  }

  stepView(step) {
    const rec = this.progress.steps[step.id] || {};
    const i = STEPS.indexOf(step);
    const part = PARTS.find((p) => p.id === step.part);
    return el('article', { class: 'course-step', id: 'course-step', data: { step: step.id, done: String(Boolean(rec.done)) } },
      el('p', { class: 'course-where', text: `Part ${PARTS.indexOf(part) + 1} · ${part.title} · step ${step.number} · about ${step.minutes} min` }),
      el('h3', { text: step.title }),
      ...step.text.map((t) => el('p', { text: t })),
      this.facts(step),
      step.predict ? this.predictView(step, rec) : null,
      this.doView(step),
      step.ask ? this.askView(step, rec) : null,
      this.checkView(step, rec),
      this.hintsView(step, rec),
      step.solution ? this.solutionView(step, rec) : null,
      el('div', { class: 'course-nav' },
        el('button', { type: 'button', id: 'course-prev', text: '← Previous', disabled: i === 0, onclick: () => this.go(STEPS[i - 1].id) }),
        el('button', { type: 'button', id: 'course-next', class: rec.done ? 'primary' : '', text: 'Next →', disabled: i === STEPS.length - 1, onclick: () => this.go(STEPS[i + 1].id) })));
  }

  /** The Rust docs of the step's preset (its fault) and detectors. */
  facts(step) {
    if (!step.facts) return null;
    const items = [];
    const preset = step.facts.preset && this.lab.presets.find((p) => p.id === step.facts.preset);
    if (preset) {
      const fault = this.lab.faultDoc(preset.id);
      items.push(el('div', { class: 'course-fact' },
        el('b', { text: `Graded case: ${preset.title}` }), ` (${preset.scenario}, seed ${preset.settings.seed}, graded over ${preset.steps} steps). `,
        fault ? fault.text : '', ' Answered by ', el('code', { text: preset.detector }), '.'));
    }
    const ids = [...new Set([...(preset ? [preset.detector] : []), ...(step.facts.detectors || [])])];
    for (const id of ids) items.push(this.detectorFact(id));
    return el('div', { class: 'course-facts' }, ...items);
  }

  detectorFact(id) {
    const d = this.lab.detectorDoc(id);
    if (!d) return null;
    return el('details', { class: 'course-fact', data: { detector: id } },
      el('summary', {}, el('code', { text: id }), ` ${d.title}${d.course_baseline ? ' (the course’s own)' : ''}`),
      el('p', {}, el('b', { text: 'What: ' }), d.what),
      el('p', {}, el('b', { text: 'Why: ' }), d.why),
      el('p', {}, el('b', { text: 'Threshold: ' }), d.threshold));
  }

  predictView(step, rec) {
    const p = step.predict;
    const locked = Boolean(rec.prediction);
    const name = `course-predict-${step.id}`;
    const options = p.options.map((text, k) => el('label', { class: 'course-option' },
      el('input', { type: 'radio', name, value: String(k), checked: rec.prediction?.choice === k, disabled: locked }), ` ${text}`));
    const lock = el('button', {
      type: 'button', id: 'course-predict', text: 'Lock in my prediction', disabled: locked,
      onclick: () => {
        const picked = this.panel.querySelector(`input[name="${name}"]:checked`);
        if (!picked) return;
        // Made before the failure could be seen: the step's fault not yet on, or the run not yet at its onset.
        const fault = step.do.preset && this.lab.state().fault?.[step.do.preset];
        const before = !fault || this.lab.live.steps < (fault.at_step ?? 0);
        Object.assign(this.record(step.id), { prediction: { choice: Number(picked.value), at: Date.now(), liveStep: this.lab.live.steps, before } });
        this.save();
        this.render();
      },
    });
    const feedback = rec.done && locked
      ? el('p', { class: rec.prediction.choice === p.correct ? 'course-right' : 'course-wrong', text: `${rec.prediction.choice === p.correct ? 'As you predicted.' : `You predicted “${p.options[rec.prediction.choice]}”; it was “${p.options[p.correct]}”.`} ${p.why}` })
      : null;
    const q = `course-q-${step.id}`;
    return el('div', { class: 'course-predict', attrs: { role: 'radiogroup', 'aria-labelledby': q } }, el('p', { class: 'course-q', id: q, text: `Predict first: ${p.question}` }), ...options, locked ? el('p', { class: 'hint', text: 'Locked in. Now do it, and see.' }) : lock, feedback);
  }

  askView(step, rec) {
    const input = el('input', { id: 'course-answer', type: step.ask.kind === 'number' ? 'number' : 'text', value: rec.answer ?? '', attrs: { 'aria-label': step.ask.question, autocomplete: 'off' } });
    input.addEventListener('input', () => {
      this.record(step.id).answer = input.value.trim();
      this.save();
    });
    return el('label', { class: 'course-ask' }, el('span', { text: step.ask.question }), input);
  }

  doView(step) {
    const d = step.do;
    const buttons = [];
    if (d.preset) {
      const p = this.lab.presets.find((x) => x.id === d.preset);
      buttons.push(el('button', { type: 'button', class: 'course-load', id: 'course-load', text: `Load graded case: ${p.title}`, onclick: () => this.lab.loadPreset(d.preset) }));
    }
    if (d.tab || d.show) buttons.push(el('button', { type: 'button', id: 'course-show', text: 'Show me where', onclick: () => this.showMe(d) }));
    return el('div', { class: 'course-do' }, el('p', {}, el('b', { text: 'Do: ' }), d.text), el('div', { class: 'course-buttons' }, ...buttons));
  }

  /** Opens the step's tab and points at its control. */
  showMe(d) {
    if (d.tab) $(`tab-${d.tab}`)?.click();
    const target = d.show && $(d.show);
    if (!target) return;
    target.scrollIntoView({ block: 'nearest' });
    target.classList.remove('course-flash');
    void target.offsetWidth;
    target.classList.add('course-flash');
    setTimeout(() => target.classList.remove('course-flash'), 2600);
  }

  checkView(step, rec) {
    return el('div', { class: `course-check${rec.done ? ' ok' : ''}`, id: 'course-check', data: { ok: String(Boolean(rec.done)) }, attrs: { role: 'status', 'aria-live': 'polite' } },
      el('p', {}, el('b', { text: rec.done ? '✓ Checked: ' : '○ Checked automatically: ' }), checkText(step)),
      el('p', { class: rec.done ? 'course-evidence' : 'course-note', text: rec.done ? `What the lab saw: ${rec.note} (${when(rec.done)})` : this.lastNote || 'waiting…' }));
  }

  hintsView(step, rec) {
    const shown = rec.hints || 0;
    return el('div', { class: 'course-hints' },
      ...step.hints.slice(0, shown).map((h, k) => el('p', { class: 'course-hint' }, el('b', { text: `Hint ${k + 1}: ` }), h)),
      shown < step.hints.length
        ? el('button', {
          type: 'button', id: 'course-hint', class: 'link-button', text: shown ? `Another hint (${shown + 1} of ${step.hints.length})` : `Show a hint (1 of ${step.hints.length})`,
          onclick: () => { this.record(step.id).hints = shown + 1; this.save(); this.render(); },
        })
        : null);
  }

  solutionView(step, rec) {
    const shown = rec.solution || 0;
    const box = el('div', { class: 'course-solution' });
    const ready = (rec.hints || 0) >= step.hints.length;
    if (!ready) {
      box.append(el('p', { class: 'hint', text: 'A reference solution can be revealed after the hints.' }));
      return box;
    }
    const code = el('pre', { id: 'course-solution-code' });
    const more = el('button', { type: 'button', id: 'course-solution', class: 'link-button', text: shown ? 'Reveal more of the solution' : 'Reveal the solution, a few lines at a time' });
    box.append(code, more);
    this.solutionLines(step.solution).then((lines) => {
      code.textContent = lines.slice(0, shown).join('\n');
      code.hidden = !shown;
      more.hidden = shown >= lines.length;
      more.onclick = () => { this.record(step.id).solution = Math.min(lines.length, shown + SOLUTION_LINES); this.save(); this.render(); };
    }).catch((e) => { more.hidden = true; code.textContent = `Could not load the solution: ${e.message}`; });
    return box;
  }

  /** The lines of class `cls` in the lab's reference solution `file` (www/py/solutions/). */
  solutionLines({ file, cls }) {
    const key = `${file}#${cls}`;
    if (!this.solutions.has(key)) {
      this.solutions.set(key, fetch(file).then((r) => {
        if (!r.ok) throw new Error(`${file}: ${r.status}`);
        return r.text();
      }).then((text) => {
        const lines = text.split('\n');
        const start = lines.findIndex((l) => l.startsWith(`class ${cls}`));
        if (start < 0) throw new Error(`no class ${cls} in ${file}`);
        let end = lines.findIndex((l, k) => k > start && /^\S/.test(l));
        if (end < 0) end = lines.length;
        while (end > start && !lines[end - 1].trim()) end -= 1;
        // What the class needs from the file's top: its imports and constants (not the docstring).
        let top = 0;
        const quote = lines[0].trim().slice(0, 3);
        if (quote === '"""' || quote === "'''") {
          top = lines[0].trim().length > 3 && lines[0].trim().endsWith(quote) ? 1 : lines.findIndex((l, k) => k > 0 && l.includes(quote)) + 1;
        }
        const preamble = lines.slice(top, lines.findIndex((l) => l.startsWith('class '))).filter((l, k, all) => l.trim() || (k > 0 && all[k - 1].trim()));
        return [...preamble, ...lines.slice(start, end)];
      }));
    }
    return this.solutions.get(key);
  }

  // ---- the course reference -------------------------------------------------------

  reference() {
    const detector = (id) => this.detectorFact(id);
    const presetTitle = (id) => this.lab.presets.find((p) => p.id === id)?.title || id;
    const sections = SECTIONS.map((s) => {
      const steps = STEPS.filter((x) => x.teaches.includes(s.id));
      const w = s.where;
      const family = w.family ? this.lab.detectors.filter((d) => d.family === w.family).map((d) => d.id) : [];
      const ids = [...new Set([...(w.detectors || []), ...family])];
      return el('section', { class: 'course-section', data: { section: s.id } },
        el('h3', { text: s.title }),
        el('p', { text: s.summary }),
        s.objectives ? el('ul', {}, ...s.objectives.map(([o, where]) => el('li', {}, el('b', { text: o }), ` — ${where}`))) : null,
        steps.length ? el('p', { class: 'course-links' }, 'Path: ', ...steps.flatMap((x, k) => [k ? ', ' : '', el('button', { type: 'button', class: 'link-button', text: `${x.number} ${x.title}`, onclick: () => this.go(x.id) })])) : null,
        w.presets ? el('p', { class: 'course-links' }, 'Graded cases: ', ...w.presets.flatMap((id, k) => [k ? ', ' : '', el('button', { type: 'button', class: 'link-button', text: presetTitle(id), onclick: () => this.lab.loadPreset(id) })])) : null,
        w.view ? el('p', { class: 'course-links', text: `In the lab: ${w.view}` }) : null,
        ids.length ? el('div', { class: 'course-facts' }, ...ids.map(detector)) : null,
        s.id === 'further_reading' ? this.readingList() : null);
    });
    return el('div', { class: 'course-reference', id: 'course-reference' },
      el('p', { class: 'hint', text: 'The course page, section by section, and where the lab teaches each. Detector texts come from the lab’s own documentation.' }),
      ...sections);
  }

  readingList() {
    return el('ol', { class: 'course-reading', id: 'course-reading' }, ...READING.map((r) => el('li', { data: { ref: r.id } },
      el('p', { class: 'course-cite', text: r.cite }),
      el('p', {}, el('b', { text: 'What it says: ' }), r.says),
      el('p', {}, el('b', { text: 'In the lab: ' }), r.lab),
      el('p', { class: 'hint', text: `On the course page: ${r.course}` }))));
  }

  // ---- the report ---------------------------------------------------------------

  /** The progress as a report an instructor can collect (exported as JSON). */
  reportData() {
    return {
      format: 'failure-lab course report',
      version: VERSION,
      course: 'When Training Goes Wrong',
      student: this.progress.name || '',
      started: new Date(this.progress.started).toISOString(),
      exported: new Date().toISOString(),
      done: this.doneCount(),
      total: STEPS.length,
      steps: STEPS.map((s) => {
        const r = this.progress.steps[s.id] || {};
        return {
          number: s.number,
          id: s.id,
          part: s.part,
          title: s.title,
          done: Boolean(r.done),
          done_at: r.done ? new Date(r.done).toISOString() : null,
          check: checkText(s),
          evidence: r.note || null,
          hints_used: r.hints || 0,
          hints: s.hints.length,
          solution_lines_revealed: r.solution || 0,
          prediction: s.predict && r.prediction ? { question: s.predict.question, answer: s.predict.options[r.prediction.choice], correct: r.prediction.choice === s.predict.correct, before_seeing: r.prediction.before !== false } : null,
          answer: s.ask ? r.answer ?? null : undefined,
        };
      }),
    };
  }

  report() {
    const data = this.reportData();
    const name = el('input', { id: 'course-name', type: 'text', value: this.progress.name || '', attrs: { autocomplete: 'name' } });
    name.addEventListener('input', () => { this.progress.name = name.value; this.save(); });
    const sheet = el('section', { class: 'course-sheet', id: 'course-sheet' },
      el('h3', { text: 'When Training Goes Wrong: progress report' }),
      el('p', { id: 'course-sheet-who', text: `${data.student || '(no name)'} · ${data.done} of ${data.total} steps · exported ${when(Date.now())}` }),
      el('table', { class: 'course-table' },
        el('thead', {}, el('tr', {}, ...['step', 'title', 'done', 'what the lab saw', 'hints'].map((h) => el('th', { text: h })))),
        el('tbody', {}, ...data.steps.map((s) => el('tr', { data: { step: s.id, done: String(s.done) } },
          el('td', { text: s.number }), el('td', { text: s.title }), el('td', { text: s.done ? `✓ ${when(Date.parse(s.done_at))}` : '–' }),
          el('td', { text: [s.evidence, s.prediction ? `prediction ${s.prediction.correct ? 'right' : 'wrong'}${s.prediction.before_seeing ? '' : ' (made after the onset)'}` : '', s.answer ? `answer: ${s.answer}` : ''].filter(Boolean).join(' · ') }),
          el('td', { text: `${s.hints_used}/${s.hints}${s.solution_lines_revealed ? `, ${s.solution_lines_revealed} solution lines` : ''}` }))))));
    return el('div', { class: 'course-report' },
      el('label', { class: 'course-ask' }, el('span', { text: 'Your name (on the report)' }), name),
      el('div', { class: 'course-buttons' },
        el('button', { type: 'button', id: 'course-export', class: 'primary', text: 'Export JSON', onclick: () => this.exportJson() }),
        el('button', { type: 'button', id: 'course-print', text: 'Print…', onclick: () => this.print() }),
        el('button', { type: 'button', id: 'course-forget', class: 'danger', text: 'Start over', onclick: () => this.forget() })),
      el('p', { class: 'hint', text: 'Your progress is kept in this browser. Export JSON to hand it in; Print gives this page alone (or save it as PDF).' }),
      sheet);
  }

  exportJson() {
    const text = JSON.stringify(this.reportData(), null, 2);
    const who = (this.progress.name || 'student').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
    download(`failure-lab-course-${who}.json`, new Blob([text], { type: 'application/json' }));
  }

  print() {
    document.body.classList.add('course-printing');
    const done = () => { document.body.classList.remove('course-printing'); window.removeEventListener('afterprint', done); };
    window.addEventListener('afterprint', done);
    window.print();
  }

  forget() {
    if (!window.confirm('Forget your progress on the path (your steps, hints and answers)?')) return;
    this.progress = { version: VERSION, current: STEPS[0].id, started: Date.now(), name: this.progress.name, steps: {} };
    this.save();
    this.view = 'path';
    this.render();
    this.renderBar();
  }

  // ---- the strip above the charts -------------------------------------------------

  renderBar() {
    const step = this.step;
    const rec = this.progress.steps[step.id] || {};
    const i = STEPS.indexOf(step);
    this.bar.hidden = false;
    this.bar.dataset.step = step.id;
    this.bar.dataset.ok = String(Boolean(rec.done));
    this.bar.replaceChildren(...[
      el('span', { class: 'course-bar-mark', text: rec.done ? '✓' : '○', attrs: { 'aria-hidden': 'true' } }),
      el('span', { class: 'course-bar-text' }, el('b', { text: `Step ${step.number}: ${step.title}. ` }),
        rec.done ? 'Done.' : el('span', { class: 'course-note', text: this.lastNote || 'waiting…' })),
      el('button', { type: 'button', class: 'link-button', text: 'Open step', onclick: () => { showTab('course'); this.view = 'path'; this.render(); } }),
      rec.done && i < STEPS.length - 1 ? el('button', { type: 'button', class: 'primary', text: 'Next step →', onclick: () => { this.go(STEPS[i + 1].id); showTab('course'); } }) : null,
    ].filter(Boolean));
  }
}
