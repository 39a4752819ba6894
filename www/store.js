// Every run, kept in the browser's own storage (IndexedDB).
//
// Two object stores: `runs` holds each run's description (name, settings,
// seed, findings, responses: small, listed often) and `series` its metrics
// as typed arrays (large, read only to draw or export). Both are written in
// one transaction, so a run is stored whole or not at all.

const DB_NAME = 'failure-lab';
const VERSION = 1;

let opening = null;
/** Why runs cannot be stored in this browser (no IndexedDB, or refused here, as under file:// in some browsers), or null. */
export let unavailable = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new Error('the browser refused to store the run'));
    tx.onerror = () => reject(tx.error);
  });
}

/** The database, opened (and created) once. */
export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      let req;
      try {
        if (!globalThis.indexedDB) throw new Error('this browser keeps no local storage (IndexedDB is off): runs cannot be kept');
        req = indexedDB.open(DB_NAME, VERSION);
      } catch (e) {
        unavailable = e.message;
        reject(e);
        return;
      }
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id' });
        if (!db.objectStoreNames.contains('series')) db.createObjectStore('series', { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(watch(req.result));
      req.onerror = (event) => {
        if (req.error?.name !== 'VersionError') {
          // Storage refused for this page for good (a private window, file:// in some browsers).
          if (['SecurityError', 'InvalidStateError'].includes(req.error?.name)) unavailable = req.error.message;
          reject(req.error);
          return;
        }
        // A store written by a newer lab: open it at its own version and keep
        // using it when it has the stores this page knows (export and reset
        // stay possible); never a dead end.
        event.preventDefault();
        const again = indexedDB.open(DB_NAME);
        again.onsuccess = () => {
          const db = again.result;
          if (db.objectStoreNames.contains('runs') && db.objectStoreNames.contains('series')) {
            console.warn(`failure-lab: the run store is at version ${db.version}, newer than this page's ${VERSION}; it is read as it is`);
            resolve(watch(db));
          } else {
            db.close();
            reject(new Error(`the run store was written by a newer version of the lab (version ${db.version}) in a form this page cannot read; reset it (Runs) or open the newer lab`));
          }
        };
        again.onerror = () => reject(again.error);
      };
      req.onblocked = () => reject(new Error('the run store is busy in another tab; close it and reload'));
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

/** `db`, closed when another tab upgrades or deletes the store (so it is
 *  not blocked by this one); the next call opens it again. */
function watch(db) {
  db.onversionchange = () => {
    db.close();
    opening = null;
  };
  return db;
}

/** Deletes every stored run (the store itself), e.g. a store this page
 *  cannot read. */
export async function reset() {
  if (opening) {
    const db = await opening.catch(() => null);
    db?.close();
    opening = null;
  }
  await request(indexedDB.deleteDatabase(DB_NAME));
}

/** A new run id. */
export function newId() {
  const rand = Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0');
  return `run-${Date.now().toString(36)}-${rand}`;
}

/** Why a stored run's description cannot be used, or null when it can. */
export function problem(run) {
  if (!run || typeof run !== 'object') return 'not a run';
  if (typeof run.id !== 'string' || !run.id) return 'no id';
  if (typeof run.name !== 'string') return 'no name';
  if (!Number.isFinite(run.created)) return 'no date';
  if (!Number.isInteger(run.steps) || run.steps < 0) return 'no step count';
  if (!Array.isArray(run.metrics) || !run.metrics.every((m) => typeof m === 'string')) return 'no metric list';
  for (const key of ['findings', 'responses']) {
    if (run[key] !== undefined && !Array.isArray(run[key])) return `bad ${key}`;
  }
  if ((run.findings || []).some((f) => !f || typeof f !== 'object' || !Number.isFinite(f.step) || typeof f.severity !== 'string')) return 'a bad finding';
  return null;
}

/**
 * Runs whose stored description was unreadable at the last `list()`, set
 * aside (kept in the store, listed apart): [{id, problem, record}].
 */
export let setAside = [];

/** Every run's description that reads well, newest first; the others go to `setAside`. */
export async function list() {
  const db = await open();
  const rows = await request(db.transaction('runs').objectStore('runs').getAll());
  const runs = [];
  const aside = [];
  for (const row of rows) {
    const why = problem(row);
    if (why) aside.push({ id: typeof row?.id === 'string' ? row.id : String(row?.id), problem: why, record: row });
    else runs.push(row);
  }
  setAside = aside;
  return runs.sort((a, b) => b.created - a.created);
}

/**
 * Every record of the store as it is, readable or not, whatever its version
 * (a newer lab's too), for an export before a reset: {version, stores: {name: [records]}}.
 */
export async function dump() {
  const db = await request(indexedDB.open(DB_NAME));
  try {
    const names = [...db.objectStoreNames];
    const stores = {};
    if (names.length) {
      const tx = db.transaction(names);
      for (const name of names) stores[name] = await request(tx.objectStore(name).getAll());
    }
    return { version: db.version, stores };
  } finally {
    db.close();
  }
}

/** One run's description, or undefined (an error naming the problem when it is unreadable). */
export async function get(id) {
  const db = await open();
  const run = await request(db.transaction('runs').objectStore('runs').get(id));
  const why = run === undefined ? null : problem(run);
  if (why) throw new Error(`the stored run ${id} is unreadable (${why})`);
  return run;
}

/** One run's metrics: {name: {steps: Float64Array, values: Float64Array}}. */
export async function series(id) {
  const db = await open();
  const row = await request(db.transaction('series').objectStore('series').get(id));
  return row ? row.metrics : {};
}

/** Stores a run (replacing one with the same id), description and metrics together. */
export async function put(run, metrics) {
  const db = await open();
  const tx = db.transaction(['runs', 'series'], 'readwrite');
  try {
    tx.objectStore('runs').put(run);
    tx.objectStore('series').put({ id: run.id, metrics });
    await done(tx);
  } catch (e) {
    try { tx.abort(); } catch { /* already finished */ }
    if (e?.name === 'QuotaExceededError') {
      throw new Error('the browser\'s storage for this page is full (quota exceeded): the run stays in memory, not stored; export it (CSV or JSON) or delete stored runs');
    }
    throw e;
  }
}

/** Renames a run. */
export async function rename(id, name) {
  const db = await open();
  const tx = db.transaction('runs', 'readwrite');
  const store = tx.objectStore('runs');
  const run = await request(store.get(id));
  if (!run) throw new Error('that run is no longer stored');
  run.name = name;
  store.put(run);
  return done(tx);
}

/** Deletes a run and its metrics. */
export async function remove(id) {
  const db = await open();
  const tx = db.transaction(['runs', 'series'], 'readwrite');
  tx.objectStore('runs').delete(id);
  tx.objectStore('series').delete(id);
  return done(tx);
}
