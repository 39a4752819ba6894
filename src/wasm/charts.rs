//! A chart of one or more runs on a canvas: the options JavaScript passes,
//! read and handed to [`plots::draw_runs`] (which draws them).

use plotters::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::Canvas;
use super::{error, from_js, to_js};
pub(crate) use crate::plots::Trace;
use crate::plots::{self, RunsChart, Scale};

/// How to draw a chart, from JavaScript.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DrawOptions {
    /// Metric names to draw; `name/*` stands for every `name/<part>`
    /// (per-layer metrics).
    pub metrics: Vec<String>,
    /// Title (default: the metric names).
    pub title: Option<String>,
    /// "linear", "log" or "auto" (default).
    pub scale: Option<String>,
    /// Visible steps [from, to] (default: the whole run).
    pub range: Option<(f64, f64)>,
    /// Device pixel ratio, times any text enlargement.
    pub pixel_ratio: Option<f64>,
    /// Whether to draw the live run (default true).
    pub live: Option<bool>,
    /// Keys of the stored runs to draw too, in order.
    pub traces: Vec<String>,
    /// Whose findings to mark: "live" (default) or a stored run's key.
    pub markers: Option<String>,
}

impl DrawOptions {
    /// Reads the options, refusing unknown fields by name.
    pub fn read(options: JsValue) -> Result<DrawOptions, JsError> {
        from_js(options, "chart options")
    }

    /// Whether the live run is drawn.
    pub fn live(&self) -> bool {
        self.live.unwrap_or(true)
    }

    /// The key whose findings are marked.
    pub fn markers(&self) -> &str {
        self.markers.as_deref().unwrap_or("live")
    }
}

/// Draws `traces` on `canvas` as `options` say; returns where the plot
/// landed (`plots::PlotArea` as a plain object). `marked` is the index of
/// the trace whose findings are marked.
pub(crate) fn draw(
    canvas: HtmlCanvasElement,
    options: &DrawOptions,
    traces: &[Trace],
    marked: Option<usize>,
) -> Result<JsValue, JsError> {
    let scale = Scale::parse(options.scale.as_deref()).map_err(|e| JsError::new(&e))?;
    let chart = RunsChart {
        metrics: &options.metrics,
        title: options.title.as_deref(),
        scale,
        range: options.range,
        pixel_ratio: options.pixel_ratio.filter(|r| r.is_finite()).unwrap_or(1.0),
    };
    let backend = Canvas::new(canvas)?;
    let plot = plots::draw_runs(&backend.into_drawing_area(), &chart, traces, marked)
        .map_err(|e| error("chart", e))?;
    to_js(&plot)
}
