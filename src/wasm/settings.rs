//! What the page shows that Rust defines: the settings table and the
//! metric titles.

use wasm_bindgen::prelude::*;

use super::to_js;
use crate::metrics::names;
use crate::settings;

/// The settings table (`settings::Setting` as plain objects, in the page's
/// order): `{name, label, group, learner, type, paths, default, range:
/// {min, max, min_open, max_open, page_limit}, widths, options,
/// option_labels, message}`.
#[wasm_bindgen(js_name = settingsTable)]
pub fn settings_table() -> Result<JsValue, JsError> {
    to_js(&settings::table())
}

/// The chart titles of the metrics the lab knows, `{name: title}`.
#[wasm_bindgen(js_name = metricTitles)]
pub fn metric_titles() -> Result<JsValue, JsError> {
    let titles: std::collections::BTreeMap<&str, &str> = names::TITLES.into_iter().collect();
    to_js(&titles)
}

/// Every learner, in display order: `{id, title, charts, failed}`
/// (`charts` the metric names it opens with, comma-separated; `failed`
/// what its hard failure means).
#[wasm_bindgen]
pub fn learners() -> Result<JsValue, JsError> {
    let docs: Vec<_> = (crate::scenarios::Scenario::ALL.into_iter())
        .map(|s| s.doc())
        .collect();
    to_js(&docs)
}

/// One preset per fault of every learner, the setup the evaluation suite
/// grades it on (`src/presets.rs`): `[{id, scenario, title, detector,
/// settings: {name: page value}, fault: {kind, ...}, config, steps}]`, the
/// classifier's first.
#[wasm_bindgen]
pub fn presets() -> Result<JsValue, JsError> {
    to_js(&crate::presets::docs())
}
