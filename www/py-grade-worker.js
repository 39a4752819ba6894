// Grading the student's detectors, the Python side: a module worker running
// Pyodide with the very harness `failure-lab grade` runs under python3
// (www/py/grade_harness.py, with failure_lab.py): for each run the page
// hands over (its frames as the JSON line the native grader writes), each
// file's detectors are made afresh and read the whole run in one call. The
// findings stay here until the page asks for them. Student code runs only
// here, never on the page; the worker gives up its network and storage
// globals before the first line of it runs (as py-worker.js does).
//
// Messages in:  {type: 'files', files: [{name, source}]}   the files to grade (names end in .py)
//               {type: 'run', index, frames}                 one run, graded by every file still in
//               {type: 'results'}
// Messages out: {type: 'ready'}                              the interpreter and the files are in place
//               {type: 'graded', index}                      a run is done
//               {type: 'results', files: [{name, detectors, findings, error}]}
//                  findings: {run index: [{detector, step, severity}]} of the runs handed over; error: the harness's
//                  error object ({kind, message, line, detector, step, run, traceback}) or null
//               {type: 'error', message}                     Python could not load

const queue = [];
let handle = (data) => queue.push(data);
// Set before anything is awaited: messages sent while Pyodide loads wait here.
self.onmessage = ({ data }) => handle(data);

const GLUE = `
import io, json, os, sys
sys.path.insert(0, '/failure_lab')
import grade_harness

class _Quiet(io.TextIOBase):
    def write(self, s):
        return len(s)

def grade_run(path, frames_path):
    # What a detector prints is dropped (natively it goes to standard error).
    out = io.StringIO()
    sys.stdout = _Quiet()
    try:
        error = grade_harness.grade(path, frames_path, 0, out)
    finally:
        sys.stdout = sys.__stdout__
    found = {'detectors': None, 'findings': [], 'error': error['error'] if error else None}
    for line in out.getvalue().splitlines():
        answer = json.loads(line)
        if 'detectors' in answer:
            found['detectors'] = answer['detectors']
        if 'findings' in answer:
            found['findings'] = [{'detector': f['detector'], 'step': f['step'], 'severity': f['severity']}
                                 for f in answer['findings']]
    return json.dumps(found)
`;

function giveUpNetworkAndStorage() {
  for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'WebTransport', 'indexedDB', 'caches', 'importScripts', 'Worker', 'SharedWorker', 'BroadcastChannel']) {
    for (let o = self; o; o = Object.getPrototypeOf(o)) {
      if (Object.prototype.hasOwnProperty.call(o, name)) {
        try { delete o[name]; } catch { /* not configurable */ }
      }
    }
  }
}

async function boot() {
  const { loadPyodide } = await import('./vendor/pyodide/pyodide.mjs');
  const pyodide = await loadPyodide({ indexURL: new URL('./vendor/pyodide/', import.meta.url).href });
  pyodide.FS.mkdirTree('/failure_lab');
  pyodide.FS.mkdirTree('/grade');
  for (const file of ['failure_lab.py', 'grade_harness.py']) {
    const r = await fetch(new URL(`./py/${file}`, import.meta.url));
    if (!r.ok) throw new Error(`py/${file}: HTTP ${r.status}`);
    pyodide.FS.writeFile(`/failure_lab/${file}`, await r.text());
  }
  const gradeRun = pyodide.runPython(`${GLUE}\ngrade_run`);
  pyodide.runPython("import os; os.chdir('/grade')");
  giveUpNetworkAndStorage();
  return { pyodide, gradeRun };
}

function serve({ pyodide, gradeRun }) {
  let files = [];
  handle = (data) => {
    if (data.type === 'files') {
      // Written under its own name (tracebacks show it), made unique.
      const taken = new Set();
      files = data.files.map(({ name, source }, i) => {
        let path = String(name).replace(/[^\w.-]/g, '_').replace(/^\.*/, '');
        if (!path.endsWith('.py')) path += '.py';
        if (taken.has(path)) path = `${i}-${path}`;
        taken.add(path);
        pyodide.FS.writeFile(`/grade/${path}`, String(source));
        return { name, path, detectors: null, findings: {}, error: null };
      });
    } else if (data.type === 'run') {
      pyodide.FS.writeFile('/grade/run.jsonl', data.frames);
      for (const f of files) {
        if (f.error) continue;
        const got = JSON.parse(gradeRun(f.path, 'run.jsonl'));
        if (got.error) {
          f.error = { ...got.error, run: data.index };
          continue;
        }
        f.detectors = got.detectors;
        f.findings[data.index] = got.findings;
      }
      postMessage({ type: 'graded', index: data.index });
    } else if (data.type === 'results') {
      postMessage({ type: 'results', files: files.map(({ name, detectors, findings, error }) => ({ name, detectors, findings, error })) });
    }
  };
  postMessage({ type: 'ready' });
  for (const data of queue.splice(0)) handle(data);
}

boot().then(serve, (e) => postMessage({ type: 'error', message: `Python could not load: ${e?.message || e}` }));
