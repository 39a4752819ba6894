// The student's detectors, off the page's thread: a module worker that runs
// Pyodide (www/vendor/pyodide/, copied from npm by scripts/vendor.sh) with
// the lab's helper module www/py/failure_lab.py, loads the student's file
// and runs its detectors over the chunks of metric frames the page sends
// (www/py-detectors.js). The code never runs on the page: no DOM, and the
// worker gives up its network and storage (fetch, IndexedDB, ...) before
// the first line of it runs.
//
// Messages in:  {type: 'load', gen, source}       (re)load the detectors: new instances
//               {type: 'frames', gen, chunk, frames}   frames: JSON text of [{step, metrics: {name: value}}]
//                                                      (NaN, Infinity, -Infinity as Python's json reads them)
// Messages out: {type: 'ready', version}          the interpreter is up
//               {type: 'loaded', gen, ids}        the detectors the file defines
//               {type: 'start', gen, chunk, detector, step}   a detector begins its pass over a chunk
//               {type: 'findings', gen, chunk, findings}      the chunk's findings, in step order
//               {type: 'error', gen, kind, message, line, traceback, detector, step, chunk}
//                  kind: 'syntax' (nothing ran), 'load' (the file or a constructor raised),
//                  'runtime' (observe raised or returned something else), 'timeout'
//                  (a detector, or the file's loading, overran the time budget and was
//                  stopped inside Python),
//                  'fatal' (the interpreter could not load)

/** A chunk's detectors together may take this long before Python stops them, in s (the page waits a little longer). */
const BUDGET_S = 2;

const queue = [];
let handle = (data) => queue.push(data);
// Before anything is awaited: a message that arrives while Pyodide loads waits in the queue.
self.onmessage = ({ data }) => handle(data);

// The glue: load a file, run its detectors one at a time over a chunk (so a
// detector that never returns is named by the last 'start'), errors with
// the student's own line numbers (filename detectors.py).
const GLUE = `
import json, linecache, sys, time, traceback
sys.path.insert(0, '/failure_lab')
from failure_lab import load, run, current

detectors = []
FILE = 'detectors.py'

class TimeLimit(BaseException):
    """Raised inside a detector that overran the chunk's time budget."""

def _mine(tb):
    return [f for f in traceback.extract_tb(tb) if f.filename == FILE]

def _error(kind, e, detector=None, step=None):
    if isinstance(e, SyntaxError):
        text = ''.join(traceback.format_exception_only(type(e), e)).rstrip()
        return {'kind': kind, 'message': f'{type(e).__name__}: {e.msg}', 'line': e.lineno,
                'traceback': text, 'detector': detector, 'step': step}
    frames = _mine(e.__traceback__)
    only = ''.join(traceback.format_exception_only(type(e), e)).rstrip()
    text = 'Traceback (most recent call last):\\n' + ''.join(traceback.format_list(frames)) + only
    return {'kind': kind, 'message': only, 'line': frames[-1].lineno if frames else None,
            'traceback': text, 'detector': detector, 'step': step}

_deadline = [0.0]
_count = [0]

def load_source(source, budget):
    global detectors
    detectors = []
    linecache.cache[FILE] = (len(source), None, source.splitlines(True), FILE)
    _deadline[0] = time.monotonic() + budget
    sys.settrace(_call)
    try:
        detectors = load(source, FILE)
    except SyntaxError as e:
        return {'error': _error('syntax', e)}
    except TimeLimit as e:
        return {'error': _error('timeout', e)}
    except BaseException as e:
        return {'error': _error('load', e)}
    finally:
        sys.settrace(None)
    return {'ids': [ident for ident, _ in detectors]}

def _line(frame, event, arg):
    _count[0] += 1
    if _count[0] & 255 == 0 and time.monotonic() > _deadline[0]:
        raise TimeLimit()
    return _line

def _call(frame, event, arg):
    # Only the student's code is traced, line by line, to stop a loop that never ends.
    return _line if frame.f_code.co_filename == FILE else None

def run_chunk(frames_json, budget, started):
    # JSON with NaN and Infinity as Python's json reads them; every number a float but the step.
    frames = json.loads(frames_json, parse_int=float)
    for f in frames:
        f['step'] = int(f['step'])
    found = []
    _deadline[0] = time.monotonic() + budget
    sys.settrace(_call)
    try:
        for ident, detector in detectors:
            if frames:
                started(ident, frames[0]['step'])
            try:
                found.extend(run([(ident, detector)], frames))
            except TimeLimit as e:
                ident_, step = current[0] or (ident, None)
                return {'error': _error('timeout', e, ident_, step)}
            except BaseException as e:
                ident_, step = current[0] or (ident, None)
                return {'error': _error('runtime', e, ident_, step)}
    finally:
        sys.settrace(None)
        current[0] = None
    # In step order; within a step, in the file's order (as run() over all of them gives).
    found.sort(key=lambda f: f['step'])
    return {'findings': found}
`;

/** What a Python dict result becomes in JS (plain objects, not Maps). */
const toJs = (proxy) => {
  const out = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return out;
};

/** The network and storage the student's code must not reach (best effort: Python reaches JS globals through `js`). */
function giveUpNetworkAndStorage() {
  const names = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'WebTransport', 'indexedDB', 'caches',
    'importScripts', 'Worker', 'SharedWorker', 'BroadcastChannel', 'Request', 'Response'];
  for (const name of names) {
    for (let o = self; o; o = Object.getPrototypeOf(o)) {
      if (Object.prototype.hasOwnProperty.call(o, name)) {
        try { delete o[name]; } catch { /* not configurable: leave it */ }
      }
    }
  }
  try { Object.defineProperty(navigator, 'storage', { value: undefined }); } catch { /* ignore */ }
}

async function boot() {
  const { loadPyodide } = await import('./vendor/pyodide/pyodide.mjs');
  const pyodide = await loadPyodide({ indexURL: new URL('./vendor/pyodide/', import.meta.url).href });
  const helper = await fetch(new URL('./py/failure_lab.py', import.meta.url));
  if (!helper.ok) throw new Error(`py/failure_lab.py: HTTP ${helper.status}`);
  pyodide.FS.mkdirTree('/failure_lab');
  pyodide.FS.writeFile('/failure_lab/failure_lab.py', await helper.text());
  const glue = pyodide.runPython(`${GLUE}\n{'load_source': load_source, 'run_chunk': run_chunk}`);
  const loadSource = glue.get('load_source');
  const runChunk = glue.get('run_chunk');
  giveUpNetworkAndStorage();
  return { version: pyodide.version, loadSource, runChunk };
}

function serve(py) {
  const handlers = {
    load({ gen, source }) {
      const got = toJs(py.loadSource(String(source), BUDGET_S));
      if (got.error) postMessage({ type: 'error', gen, ...got.error });
      else postMessage({ type: 'loaded', gen, ids: got.ids });
    },
    frames({ gen, chunk, frames }) {
      const started = (detector, step) => postMessage({ type: 'start', gen, chunk, detector, step });
      const got = toJs(py.runChunk(frames, BUDGET_S, started));
      if (got.error) postMessage({ type: 'error', gen, chunk, ...got.error });
      else postMessage({ type: 'findings', gen, chunk, findings: got.findings });
    },
  };
  handle = (data) => {
    try {
      handlers[data.type]?.(data);
    } catch (e) {
      postMessage({ type: 'error', gen: data.gen, chunk: data.chunk, kind: 'fatal', message: e?.message || String(e) });
    }
  };
  postMessage({ type: 'ready', version: py.version });
  for (const data of queue.splice(0)) handle(data);
}

boot().then(serve, (e) => {
  postMessage({ type: 'error', kind: 'fatal', message: `Python could not load: ${e?.message || e}` });
});
