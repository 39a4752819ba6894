//! Drawing a chart of one or more runs on a canvas: the options JavaScript
//! passes, and how runs and metrics become lines.

use std::borrow::Cow;

use plotters::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::Canvas;
use super::{error, from_js, to_js};
use crate::detectors::Finding;
use crate::monitor::Series;
use crate::plots::{self, Chart, Line, Marker, Scale, Stroke};

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

/// One run as a chart sees it.
pub(crate) struct Trace<'a> {
    /// Its name in the legend.
    pub label: &'a str,
    /// Its metrics.
    pub series: &'a [Series],
    /// Drawn faint in grey: the run without the response, for comparison.
    pub ghost: bool,
    /// Findings to mark (when this run's are the ones marked).
    pub markers: Cow<'a, [Marker]>,
    /// Steps at which the automatic response acted.
    pub actions: &'a [u64],
}

/// Markers for `findings`.
pub(crate) fn markers(findings: &[Finding]) -> Cow<'static, [Marker]> {
    findings
        .iter()
        .map(|f| Marker {
            step: f.step,
            severity: f.severity,
        })
        .collect()
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
    if options.metrics.len() > 16 {
        return Err(JsError::new("chart: at most 16 metrics on one chart"));
    }
    let scale = match options.scale.as_deref() {
        Some("linear") => Scale::Linear,
        Some("log") => Scale::Log,
        None | Some("auto") => Scale::Auto,
        Some(other) => {
            return Err(JsError::new(&format!(
                "chart scale '{other}': use linear, log or auto"
            )))
        }
    };
    let x_range = options
        .range
        .filter(|(a, b)| a.is_finite() && b.is_finite() && a < b)
        .map(|(a, b)| (a.max(0.0) as u64, b.max(0.0) as u64));
    let many = traces.iter().filter(|t| !t.ghost).count() > 1;
    let mut labels: Vec<String> = Vec::new();
    let mut picks: Vec<(&Series, RGBColor, Stroke)> = Vec::new();
    let mut colour = 0;
    for trace in traces {
        let mut nth = 0;
        for pattern in &options.metrics {
            for s in trace
                .series
                .iter()
                .filter(|s| plots::metric_matches(pattern, &s.name))
            {
                let color = if trace.ghost {
                    plots::GHOST
                } else if many {
                    plots::PALETTE[colour % plots::PALETTE.len()]
                } else {
                    plots::PALETTE[nth % plots::PALETTE.len()]
                };
                let stroke = if trace.ghost {
                    Stroke::Faint
                } else if many && nth > 0 {
                    Stroke::Dashed
                } else {
                    Stroke::Solid
                };
                labels.push(if many || trace.ghost {
                    format!("{}: {}", trace.label, s.name)
                } else {
                    s.name.clone()
                });
                picks.push((s, color, stroke));
                nth += 1;
            }
        }
        if !trace.ghost {
            colour += 1;
        }
    }
    let lines: Vec<Line> = picks
        .iter()
        .zip(&labels)
        .map(|(&(s, color, stroke), label)| Line {
            label,
            steps: &s.steps,
            values: &s.values,
            color,
            stroke,
        })
        .collect();
    let no_markers: &[Marker] = &[];
    let (markers, actions) = match marked.and_then(|i| traces.get(i)) {
        Some(t) => (&*t.markers, t.actions),
        None => (no_markers, &[][..]),
    };
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| options.metrics.join(", "));
    let chart = Chart {
        title: &title,
        lines,
        markers,
        actions,
        scale,
        x_range,
        pixel_ratio: options.pixel_ratio.filter(|r| r.is_finite()).unwrap_or(1.0),
    };
    let backend = Canvas::new(canvas)?;
    let plot = plots::draw(&backend.into_drawing_area(), &chart).map_err(|e| error("chart", e))?;
    to_js(&plot)
}
