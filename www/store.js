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
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        // Storage refused for this page for good (a private window, file:// in some browsers).
        if (['SecurityError', 'InvalidStateError'].includes(req.error?.name)) unavailable = req.error.message;
        reject(req.error);
      };
      req.onblocked = () => reject(new Error('the run store is busy in another tab; close it and reload'));
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

/** A new run id. */
export function newId() {
  const rand = Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0');
  return `run-${Date.now().toString(36)}-${rand}`;
}

/** Every run's description, newest first. */
export async function list() {
  const db = await open();
  const runs = await request(db.transaction('runs').objectStore('runs').getAll());
  return runs.sort((a, b) => b.created - a.created);
}

/** One run's description, or undefined. */
export async function get(id) {
  const db = await open();
  return request(db.transaction('runs').objectStore('runs').get(id));
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
  tx.objectStore('runs').put(run);
  tx.objectStore('series').put({ id: run.id, metrics });
  return done(tx);
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
