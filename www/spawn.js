// The live run's training worker. scripts/build-single.mjs replaces this
// module in the one-file build, where a worker cannot load from a file URL:
// there it is made from the inlined worker source (a Blob URL) and handed
// the compiled wasm by message.

/** A new training worker (train-worker.js). */
export const trainWorker = () => new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
