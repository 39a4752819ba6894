//! Drawing a chart of one or more runs on a canvas: the options JavaScript
//! passes, and how runs and metrics become lines.

use std::borrow::Cow;

use plotters::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::Canvas;
use super::{error, from_js, to_js};
use crate::monitor::Series;
use crate::plots::{self, Chart, Key, Line, Marker, Scale, Stroke};

/// The legend colour of a metric's line style when runs have the colours.
const MUTED: RGBColor = RGBColor(0x47, 0x55, 0x69);

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
    // Without a range, every chart spans every step of the runs shown, so
    // the charts line up whatever metrics each one draws.
    let whole = traces
        .iter()
        .flat_map(|t| t.series)
        .filter_map(|s| Some((*s.steps.first()?, *s.steps.last()?)))
        .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)));
    let x_range = options
        .range
        .filter(|(a, b)| a.is_finite() && b.is_finite() && a < b)
        .map(|(a, b)| (a.max(0.0) as u64, b.max(0.0) as u64))
        .or(whole);
    let many = traces.iter().filter(|t| !t.ghost).count() > 1;
    let colour_of = |run: usize, nth: usize, ghost: bool| {
        if ghost {
            plots::GHOST
        } else if many {
            plots::PALETTE[run % plots::PALETTE.len()]
        } else {
            plots::PALETTE[nth % plots::PALETTE.len()]
        }
    };
    // One line per (run, metric). Several runs: a colour per run and a
    // style per metric (solid, then faint); one run: a colour per metric.
    let mut lines: Vec<Line> = Vec::new();
    let mut metric_names: Vec<&str> = Vec::new();
    let mut run_keys: Vec<Key> = Vec::new();
    let mut run = 0;
    for trace in traces {
        let mut nth = 0;
        for pattern in &options.metrics {
            for s in trace
                .series
                .iter()
                .filter(|s| plots::metric_matches(pattern, &s.name))
            {
                let stroke = if trace.ghost {
                    Stroke::Faint
                } else if many && nth > 0 {
                    Stroke::Faint
                } else {
                    Stroke::Solid
                };
                lines.push(Line {
                    steps: &s.steps,
                    values: &s.values,
                    color: colour_of(run, nth, trace.ghost),
                    stroke,
                });
                if !metric_names.contains(&s.name.as_str()) {
                    metric_names.push(&s.name);
                }
                nth += 1;
            }
        }
        run_keys.push(Key {
            label: trace.label,
            color: colour_of(run, 0, trace.ghost),
            stroke: if trace.ghost {
                Stroke::Faint
            } else {
                Stroke::Solid
            },
        });
        if !trace.ghost {
            run += 1;
        }
    }
    let metric_keys = metric_names.iter().enumerate().map(|(nth, &label)| Key {
        label,
        color: if many {
            MUTED
        } else {
            colour_of(0, nth, false)
        },
        stroke: if many && nth > 0 {
            Stroke::Faint
        } else {
            Stroke::Solid
        },
    });
    let legend: Vec<Key> = if traces.len() > 1 {
        let styles = if metric_names.len() > 1 {
            metric_keys.collect()
        } else {
            Vec::new()
        };
        run_keys.into_iter().chain(styles).collect()
    } else {
        metric_keys.collect()
    };
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
        legend,
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
