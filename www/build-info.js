// Which build of the page this is. scripts/build-single.mjs replaces this
// module in the one-file build (dist/failure-lab.html) with SINGLE = true.

/** Whether the page is the one-file build (no server: no embed.js, no Evaluate panel, no importer). */
export const SINGLE = false;
