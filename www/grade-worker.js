// Grading the student's detectors, the wasm side: a module worker with the
// lab's full wasm (www/pkg-full). It records the evaluation suite's observe
// runs one at a time (Grading, src/wasm/grade.rs: the cases and seeds of
// `failure-lab grade`) and posts each run's frames as JSON text for Python
// (py-grade-worker.js); it stays at most AHEAD runs ahead of the runs the
// page has acknowledged, so unread frames never pile up. Then it grades the
// findings with the suite's own scoring and adds the lab's own report on
// the same runs (course baseline, lab's best). Cancelled by terminate().
//
// Messages in:  {type: 'start', options: {seeds, fault}}
//               {type: 'ack'}                       Python took one run
//               {type: 'grade', files: [{name, detectors, findings, error}]}
// Messages out: {type: 'run', index, case, fault, seed, done, total, frames}
//               {type: 'recorded', runs}             every run recorded
//               {type: 'graded', files: [{name, rows, report, error}], lab}
//               {type: 'error', message}

import init, { Grading } from './pkg-full/failure_lab.js';

/** Runs recorded but not yet taken by Python, at most. */
const AHEAD = 4;

const ready = init();
let grading = null;
let acked = 0;
let wake = null;

async function record(options) {
  await ready;
  grading = new Grading(options);
  let sent = 0;
  for (;;) {
    while (sent - acked >= AHEAD) await new Promise((r) => { wake = r; });
    const { done, total } = grading.stepRun();
    if (done === sent) break;
    const info = grading.runs()[sent];
    postMessage({ type: 'run', index: info.index, case: info.case, fault: info.fault, seed: info.seed, done, total, frames: grading.takeFrames(info.index) });
    sent += 1;
    if (done === total) break;
  }
  postMessage({ type: 'recorded', runs: grading.runs() });
}

function grade(files) {
  const out = files.map(({ name, detectors, findings, error }) => {
    if (error) return { name, rows: [], report: null, error };
    try {
      const { rows, report } = grading.grade(detectors, findings);
      return { name, rows, report, error: null };
    } catch (e) {
      return { name, rows: [], report: null, error: e?.message || String(e) };
    }
  });
  postMessage({ type: 'graded', files: out, lab: grading.labReport() });
}

self.onmessage = ({ data }) => {
  try {
    if (data?.type === 'start' && !grading) {
      record(data.options).catch((e) => postMessage({ type: 'error', message: e?.message || String(e) }));
    } else if (data?.type === 'ack') {
      acked += 1;
      if (wake) { const w = wake; wake = null; w(); }
    } else if (data?.type === 'grade') {
      grade(data.files);
    }
  } catch (e) {
    postMessage({ type: 'error', message: e?.message || String(e) });
  }
};
