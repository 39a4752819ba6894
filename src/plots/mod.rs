//! Every chart the page draws, generic over plotters' `DrawingBackend`: the
//! browser draws on a canvas (`wasm/` only supplies the canvas backend and
//! reads the page's options), tests draw SVG natively (`tests/plots.rs`).
//!
//! - [`metric`]: charts of metric series, one run or several, with finding
//!   markers, action triangles, the run without the response and a legend;
//! - [`eval`]: the Evaluate panel's lead-time histograms and sweep curves;
//! - [`palette`]: the one colour table (lines, severities, ink);
//! - [`view`]: the failure itself beside the charts: a classifier's data
//!   and decision surface ([`surface`]), what an agent answers ([`answers`])
//!   and its proxy reward and true quality against KL ([`kl`]).

pub mod answers;
#[cfg(feature = "eval")]
pub mod eval;
pub mod kl;
pub mod metric;
pub mod pairs;
pub mod palette;
pub mod ring;
pub mod surface;
pub mod view;

pub use metric::{
    decimate, draw, draw_runs, markers, metric_matches, Chart, Key, Line, Marker, PlotArea,
    RunsChart, Scale, Stroke, Trace,
};
pub use palette::{severity_color, GHOST, PALETTE};
