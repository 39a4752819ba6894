//! The evaluation suite in the browser: [`Evaluation`] runs it a slice at a
//! time (the page drives it from a Web Worker), and the canvas entry points
//! of the panel's two charts, lead-time histograms ([`draw_histogram`]) and
//! threshold-sweep curves ([`draw_curves`]), which `plots::eval` draws.

use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::Canvas;
use super::{error, from_js, to_js};
use crate::eval::cases;
use crate::eval::report::{FALSE_ALARM_GOAL, RECALL_GOAL};
use crate::eval::{format, leads, Settings, Suite};
use crate::plots::{self, eval::Curves, eval::Histogram};

/// The most seeds the page may ask for (the command line allows more).
pub const MAX_SEEDS: u64 = 100;

/// What the page asks of a suite.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct EvalOptions {
    /// Seeds per case (default 20), a whole number from 1 to [`MAX_SEEDS`].
    seeds: Option<f64>,
    /// Only this fault's cases and the clean ones (None or "": every fault).
    fault: Option<String>,
}

/// The suite's settings for the page's `options` (`{seeds, fault}`, both
/// optional), refused with a message when out of range.
pub(crate) fn suite_settings(options: JsValue) -> Result<Settings, JsError> {
    let options: EvalOptions = from_js(options, "evaluation")?;
    let mut settings = Settings::default();
    if let Some(seeds) = options.seeds {
        if !(seeds.fract() == 0.0 && (1.0..=MAX_SEEDS as f64).contains(&seeds)) {
            return Err(JsError::new(&format!(
                "seeds: {seeds} is not a whole number from 1 to {MAX_SEEDS}"
            )));
        }
        settings.seeds = seeds as u64;
    }
    if let Some(fault) = options.fault.as_deref().filter(|f| !f.is_empty()) {
        settings.only_fault(fault).map_err(|e| error("fault", e))?;
    }
    Ok(settings)
}

/// The evaluation suite, run a slice at a time.
#[wasm_bindgen]
pub struct Evaluation {
    suite: Suite,
}

/// Rust-only helpers (not exported).
impl Evaluation {
    /// The suite, for Rust callers and tests.
    pub fn suite(&self) -> &Suite {
        &self.suite
    }
}

#[wasm_bindgen]
impl Evaluation {
    /// A suite for `options` (`{seeds, fault}`, both optional): every case
    /// of every scenario (or one fault's and the clean ones) times `seeds`
    /// seeds, plus the response runs. Refuses bad options with a message.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Evaluation, JsError> {
        let suite = Suite::new(suite_settings(options)?).map_err(|e| error("evaluation", e))?;
        Ok(Evaluation { suite })
    }

    /// The suite's defaults and limits and the report's goals:
    /// `{default_seeds, max_seeds, recall_goal, false_alarm_goal}`.
    pub fn limits() -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Limits {
            default_seeds: u64,
            max_seeds: u64,
            recall_goal: f64,
            false_alarm_goal: f64,
        }
        to_js(&Limits {
            default_seeds: Settings::default().seeds,
            max_seeds: MAX_SEEDS,
            recall_goal: RECALL_GOAL,
            false_alarm_goal: FALSE_ALARM_GOAL,
        })
    }

    /// The faults the suite can be narrowed to, in the suite's order.
    pub fn faults() -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for fault in cases::cases().iter().filter_map(|c| c.fault) {
            if !ids.iter().any(|id| id == fault) {
                ids.push(fault.to_string());
            }
        }
        ids
    }

    /// Takes up to `steps` training steps across the suite's runs; returns
    /// the progress, `{done, total}` in runs.
    pub fn advance(&mut self, steps: u32) -> Result<JsValue, JsError> {
        let progress = self
            .suite
            .advance(u64::from(steps))
            .map_err(|e| error("evaluation", e))?;
        to_js(&progress)
    }

    /// Runs finished, out of all: `{done, total}`.
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.suite.progress())
    }

    /// The report over the runs finished so far, as a plain object (the
    /// fields of `eval::Report`).
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.suite.report())
    }

    /// Lead times per detector under test and faulty case, over the runs
    /// finished so far: `[{detector, baseline, cases: [{case, leads}]}]`.
    /// Each detection row's lead spread is the spread of these values.
    pub fn leads(&self) -> Result<JsValue, JsError> {
        to_js(&leads::lead_times(&self.suite))
    }

    /// The report as CSV blocks, as `failure-lab eval --format csv` prints it.
    pub fn csv(&self) -> String {
        format::csv(&self.suite.report())
    }
}

/// Draws a stacked histogram on `canvas` from `options` (`{title, x_label,
/// groups: [{label, color, values}], max, bins, empty, pixel_ratio}`; see
/// [`plots::eval::Histogram`]).
#[wasm_bindgen(js_name = drawHistogram)]
pub fn draw_histogram(canvas: HtmlCanvasElement, options: JsValue) -> Result<(), JsError> {
    let h: Histogram = from_js(options, "histogram")?;
    h.validate().map_err(|e| error("histogram", e))?;
    let backend = Canvas::new(canvas)?;
    plots::eval::histogram(&backend.into_drawing_area(), &h).map_err(|e| error("histogram", e))
}

/// Draws curves on `canvas` from `options` (`{title, x_label, y_label,
/// curves: [{label, color, points: [{x, y, label, mark}]}], x_goal, empty,
/// pixel_ratio}`; see [`plots::eval::Curves`]).
#[wasm_bindgen(js_name = drawCurves)]
pub fn draw_curves(canvas: HtmlCanvasElement, options: JsValue) -> Result<(), JsError> {
    let c: Curves = from_js(options, "curves")?;
    c.validate().map_err(|e| error("curves", e))?;
    let backend = Canvas::new(canvas)?;
    plots::eval::curves(&backend.into_drawing_area(), &c).map_err(|e| error("curves", e))
}
