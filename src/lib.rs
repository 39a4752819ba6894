//! failure-lab: a tiny trainer that really trains, failure modes to switch on
//! and off, detectors that watch the metric stream, and charts, for native
//! use and for the browser (see `wasm`).

#[cfg(all(not(target_arch = "wasm32"), feature = "eval", feature = "import"))]
pub mod cli;
pub mod config;
pub mod detectors;
pub mod diagnosis;
#[cfg(feature = "eval")]
pub mod eval;
#[cfg(feature = "import")]
pub mod import;
pub mod metrics;
pub mod monitor;
pub mod pipeline;
pub mod plots;
pub mod presets;
pub mod rng;
pub mod run;
pub mod scenarios;
pub mod settings;
pub mod trainer;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
