// The guided path's checks: each probe reads the lab's real state (the page's
// settings, the live run's findings and pipeline actions, the student's
// Python detectors, the stored runs, the Evaluate panel's report) and says
// whether a step's goal is met, with a note of what it saw (kept in the
// progress report). A step names its probe and arguments (course-part*.js);
// tests/e2e/course-steps.test.mjs checks that every step's probe exists, that
// its arguments name real presets, faults, detectors and metrics (read from
// the wasm), and that the page state it `reads` exists in www/.
//
// `lab` (given by main.js through course-hook.js): { state(), live, runs,
// presets, detectors, py() }; `ctx`: { answer, prediction } of the step.

const SEVERITY = { info: 0, warning: 1, critical: 2 };
const atLeast = (f, severity = 'warning') => SEVERITY[f.severity] >= SEVERITY[severity];
const faultsOn = (lab) => Object.keys(lab.state().fault || {});
/** The lab's own findings of the live run (not the student's). */
const labFindings = (lab) => lab.live.findings.filter((f) => !f.yours);
const yours = (lab) => lab.live.findings.filter((f) => f.yours);
const noted = (ok, note) => ({ ok, note });

/** Whether preset `id` is what the live run was built from: its fault on and every setting it sets. */
export function presetLoaded(lab, id) {
  const p = lab.presets.find((x) => x.id === id);
  const s = lab.state();
  if (!p || !s.fault?.[id]) return false;
  return Object.entries(p.settings).every(([k, v]) => s[k] === v);
}

/** The Evaluate panel's last finished report, read from its DOM (www/eval.js): null when none. */
export function evalReport(doc = document) {
  const results = doc.getElementById('eval-results');
  if (!results || results.hidden || results.dataset.final !== 'true') return null;
  const cases = [...doc.querySelectorAll('#eval-detection details.eval-case')].map((d) => d.dataset.case);
  /** The median lead (steps) of the lab's detectors together on `c`; null when none. */
  const lead = (c) => {
    const rows = doc.querySelectorAll(`#eval-detection table[data-case="${c}"] tr.together`);
    const row = rows[rows.length - 1];
    const text = row?.cells[5]?.textContent?.trim();
    return text && text !== '–' ? Number(text) : null;
  };
  const recall = (c) => {
    const row = doc.querySelector(`#eval-goals tr[data-case="${c}"]`);
    const text = row?.cells[1]?.textContent?.trim();
    return text && text !== '–' ? Number(text) : null;
  };
  return { cases, lead, recall, summary: doc.getElementById('eval-summary')?.textContent || '' };
}

/**
 * Every probe: `reads` (the page state it reads: element ids in www/ and
 * properties of the page's modules), `args` (argument name -> kind, checked
 * by the meta-test: preset, fault, detector, metric, number, text) and
 * `run(lab, args, ctx)` -> {ok, note}.
 */
export const PROBES = {
  quietRun: {
    reads: ['#status', 'live.steps', 'live.findings', 'state.fault'],
    args: { steps: 'number' },
    says: ({ steps }) => `a run with no fault reaches step ${steps} with no warning`,
    run(lab, { steps }) {
      if (faultsOn(lab).length) return noted(false, `a fault is on (${faultsOn(lab).join(', ')}): switch it off or Reset to defaults`);
      const loud = labFindings(lab).filter((f) => atLeast(f));
      if (loud.length) return noted(false, `${loud[0].detector} warned at step ${loud[0].step}`);
      return noted(lab.live.steps >= steps, `step ${lab.live.steps} of ${steps}, no warning`);
    },
  },
  finding: {
    reads: ['live.findings', 'state.fault', '#alerts'],
    args: { detector: 'detector', preset: 'preset?', fault: 'fault?', severity: 'text?' },
    says: ({ detector, preset, fault }) => `the lab's ${detector} fires in the live run${preset ? ` of the graded case ${preset}` : fault ? ` with ${fault} on` : ''}`,
    run(lab, { detector, preset, fault, severity = 'info' }) {
      if (preset && !presetLoaded(lab, preset)) return noted(false, `load the graded case ${preset} first`);
      if (fault && !faultsOn(lab).includes(fault)) return noted(false, `switch ${fault} on first`);
      const f = labFindings(lab).find((x) => x.detector === detector && atLeast(x, severity));
      return f ? noted(true, `${detector} fired at step ${f.step} (${f.severity}): ${f.message}`) : noted(false, `no ${detector} finding yet (step ${lab.live.steps})`);
    },
  },
  yours: {
    reads: ['live.findings', 'live.tap', 'state.fault', '#py-state'],
    args: { fault: 'fault' },
    says: ({ fault }) => `one of your Python detectors fires at warning or above on a run with ${fault} on`,
    run(lab, { fault }) {
      if (!faultsOn(lab).includes(fault)) return noted(false, `switch ${fault} on (or load its graded case) first`);
      const py = lab.py();
      if (!py?.active) return noted(false, 'your detectors are not running: open Your detectors and press Run');
      const f = yours(lab).find((x) => atLeast(x));
      return f ? noted(true, `${f.detector} fired at step ${f.step} (${f.severity}): ${f.message}`) : noted(false, `none of your detectors has fired at warning or above (step ${lab.live.steps})`);
    },
  },
  yoursQuiet: {
    reads: ['live.findings', 'live.tap', 'live.steps', 'state.fault'],
    args: { steps: 'number' },
    says: ({ steps }) => `your detectors read ${steps} steps of a run with no fault and none of them warns`,
    run(lab, { steps }) {
      const py = lab.py();
      if (!py?.active) return noted(false, 'your detectors are not running: open Your detectors and press Run');
      if (faultsOn(lab).length) return noted(false, `a fault is on (${faultsOn(lab).join(', ')}): switch it off and Reset for a clean run`);
      const f = yours(lab).find((x) => atLeast(x));
      if (f) return noted(false, `a false alarm: ${f.detector} fired at step ${f.step} on a clean run`);
      return noted(py.lastStep >= steps && lab.live.steps >= steps, `your ${py.ids.length} detectors have read ${Math.max(0, py.lastStep)} of ${steps} clean steps without a warning`);
    },
  },
  charts: {
    reads: ['state.charts', '#chart-picker'],
    args: { metric: 'metric' },
    says: ({ metric }) => `the charts show ${metric}`,
    run(lab, { metric }) {
      const shown = lab.state().charts.split(',');
      const prefix = metric.endsWith('*') ? metric.slice(0, -1) : null;
      const hit = shown.find((c) => (prefix ? c.startsWith(prefix) : c === metric));
      return noted(Boolean(hit), hit ? `charting ${hit}` : `charts: ${shown.join(', ')}`);
    },
  },
  pausedOnCritical: {
    reads: ['state.autopause', 'live.findings', 'live.running', '#status'],
    args: {},
    says: () => 'Pause on critical is on and training stopped at a critical finding',
    run(lab) {
      if (!lab.state().autopause) return noted(false, 'Pause on critical is off');
      const f = labFindings(lab).find((x) => x.severity === 'critical');
      if (!f) return noted(false, 'no critical finding yet');
      return noted(!lab.live.running, `paused after ${f.detector} at step ${f.step}`);
    },
  },
  responded: {
    reads: ['state.respond', 'state.fault', 'live.responses', 'live.hardFailure', 'live.steps'],
    args: { fault: 'fault', steps: 'number' },
    says: ({ fault, steps }) => `with the automatic response on, a run with ${fault} is answered and is still healthy at step ${steps}`,
    run(lab, { fault, steps }) {
      const s = lab.state();
      if (!s.respond) return noted(false, 'Automatic response is off');
      if (!s.fault?.[fault]) return noted(false, `switch ${fault} on first`);
      const acts = lab.live.responses;
      if (!acts.length) return noted(false, `no action of the pipeline yet (step ${lab.live.steps})`);
      if (lab.live.hardFailure !== null) return noted(false, `the run failed at step ${lab.live.hardFailure} despite the response`);
      return noted(lab.live.steps >= steps, `${acts.length} action${acts.length === 1 ? '' : 's'} (first: ${acts[0].action || acts[0].detector} at step ${acts[0].step}); healthy at step ${lab.live.steps}`);
    },
  },
  storedRuns: {
    reads: ['runs.runs', 'runs.overlays', 'runs.primary', '#runs'],
    args: { count: 'number' },
    says: ({ count }) => `at least ${count} stored runs, one of them shown beside or instead of the live run`,
    run(lab, { count }) {
      const n = lab.runs.runs.length;
      const compared = lab.runs.overlays.length > 0 || lab.runs.primary !== 'live';
      return noted(n >= count && compared, `${n} stored run${n === 1 ? '' : 's'}; ${compared ? 'one is shown' : 'tick show on one, or Open it'}`);
    },
  },
  imported: {
    reads: ['runs.runs', '#import-file'],
    args: {},
    says: () => 'a training log has been imported and read by the detectors',
    run(lab) {
      const run = lab.runs.runs.find((r) => r.source === 'import');
      return run ? noted(true, `imported: ${run.name} (${(run.findings || []).length} findings)`) : noted(false, 'no imported run yet');
    },
  },
  evaluated: {
    reads: ['#eval-results', '#eval-detection', '#eval-summary'],
    args: { fault: 'fault?', cases: 'number?' },
    says: ({ fault, cases }) => (fault ? `an evaluation of ${fault} has finished` : `an evaluation of at least ${cases} faults has finished`),
    run(lab, { fault, cases = 1 }) {
      const r = evalReport();
      if (!r) return noted(false, 'no finished evaluation yet');
      if (fault && !r.cases.includes(fault)) return noted(false, `the last evaluation did not include ${fault}`);
      if (r.cases.length < cases) return noted(false, `the last evaluation covered ${r.cases.length} faults`);
      return noted(true, r.summary);
    },
  },
  leadAnswer: {
    reads: ['#eval-detection'],
    args: { fault: 'fault' },
    says: ({ fault }) => `your answer is the median lead of the lab's detectors on ${fault}, as the Evaluate panel reports it`,
    run(lab, { fault }, { answer }) {
      const r = evalReport();
      if (!r || !r.cases.includes(fault)) return noted(false, `run an evaluation of ${fault} first`);
      const lead = r.lead(fault);
      if (answer === undefined || answer === null || answer === '') return noted(false, 'type the number you read');
      const got = Number(answer);
      if (lead === null) return noted(false, 'the report has no lead for this fault');
      const ok = Number.isFinite(got) && Math.abs(got - lead) <= Math.max(1, 0.05 * Math.abs(lead));
      return noted(ok, ok ? `median lead ${lead} steps (you read ${got})` : `${got} is not the lead the report shows`);
    },
  },
  recallAnswer: {
    reads: ['#eval-goals'],
    args: { cases: 'number' },
    says: () => 'your answer names a fault the lab detects and the course baseline misses (recall 0 for the course detectors)',
    run(lab, { cases }, { answer }) {
      const r = evalReport();
      if (!r || r.cases.length < cases) return noted(false, `run an evaluation of every fault first (${cases} faults)`);
      const rows = [...document.querySelectorAll('#eval-goals tr[data-case]')];
      const missed = rows.filter((row) => /course baseline: 0\.00/.test(row.cells[1]?.title || '') && Number(row.cells[1].textContent) > 0).map((row) => row.dataset.case);
      const a = String(answer || '').trim().toLowerCase();
      if (!a) return noted(false, 'type a fault id, such as the one you think of');
      return noted(missed.includes(a), missed.includes(a) ? `${a}: the lab's recall ${r.recall(a)}, the course baseline's 0.00` : `${a} is not one of them`);
    },
  },
};

/** The root cause the alert list names for the run in focus (its "cause" card), or null. */
export function rootCause(doc = document) {
  return doc.querySelector('#alerts li.alert[data-role="cause"]')?.dataset.detector || null;
}

PROBES.rootAnswer = {
  reads: ['#alerts', 'state.fault'],
  args: { preset: 'preset' },
  says: ({ preset }) => `your answer is the root cause the alert list names for the graded case ${preset}`,
  run(lab, { preset }, { answer }) {
    if (!presetLoaded(lab, preset)) return noted(false, `load the graded case ${preset} first`);
    const cause = rootCause();
    if (!cause) return noted(false, 'no diagnosis yet: train until the alert list names a cause');
    const a = String(answer || '').trim().toLowerCase();
    if (!a) return noted(false, 'type the detector id the list names');
    return noted(a === cause, a === cause ? `root cause: ${cause}` : `${a} is not the cause the list names`);
  },
};
