//! The page's copy of the live run, for drawing: [`LiveView`] holds what
//! the training Worker's [`Lab`](super::Lab) sent (`Lab.drain`), so the
//! charts never wait on training; it draws the live run with its twin and
//! the stored runs of a [`Board`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::board::{read_actions, read_markers, read_steps, Board, StoredTrace};
use super::charts::{self, DrawOptions, Trace};
use super::{error, to_js};
use crate::monitor::Series;

/// The latest value of every metric of `series`, as a plain object (plus
/// `step`).
pub(crate) fn latest(series: &[Series], steps: u64) -> Result<JsValue, JsError> {
    let mut out: BTreeMap<&str, f64> = BTreeMap::new();
    for s in series {
        if let Some(&v) = s.values.last() {
            out.insert(&s.name, v);
        }
    }
    out.insert("step", steps as f64);
    to_js(&out)
}

/// The live run as the page draws it: its metrics (and its twin's), the
/// findings to mark and the steps where the response acted, appended as
/// the training Worker sends them.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct LiveView {
    run: StoredTrace,
    twin: Option<Vec<Series>>,
    steps: u64,
}

#[wasm_bindgen]
impl LiveView {
    /// An empty view (no twin).
    #[wasm_bindgen(constructor)]
    pub fn new() -> LiveView {
        LiveView::default()
    }

    /// Empties the view for a new run, with a twin when `has_twin`.
    pub fn clear(&mut self, has_twin: bool) {
        *self = LiveView {
            twin: has_twin.then(Vec::new),
            ..LiveView::default()
        };
    }

    /// Keeps the first `keep` points of metric `name` (of the twin when
    /// `twin`) and appends these (the run's history rewrites its older
    /// points as it thins them: `Lab.drain` says how many still stand).
    /// Steps must be whole, increasing, and after the points kept.
    pub fn append(
        &mut self,
        name: JsValue,
        twin: bool,
        keep: f64,
        steps: JsValue,
        values: JsValue,
    ) -> Result<(), JsError> {
        let name = super::text_arg(&name, "live run: the metric's name")?;
        let what = format!("live run, metric '{name}'");
        if !(keep.is_finite() && keep >= 0.0 && keep.fract() == 0.0) {
            return Err(error(
                &what,
                format!("points to keep must be a whole number from 0 up, not {keep}"),
            ));
        }
        let values = super::numbers_arg(&values, &what)?;
        let steps = read_steps(&what, &super::numbers_arg(&steps, &what)?, &values)?;
        let values = &values[..];
        let series = match (twin, &mut self.twin) {
            (false, _) => &mut self.run.series,
            (true, Some(t)) => t,
            (true, None) => return Err(error(&what, "this run has no twin")),
        };
        let i = match series.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                series.push(Series {
                    name: name.to_string(),
                    ..Series::default()
                });
                series.len() - 1
            }
        };
        let s = &mut series[i];
        if keep > s.steps.len() as f64 {
            return Err(error(
                &what,
                format!("{keep} points to keep, but {} are held", s.steps.len()),
            ));
        }
        s.steps.truncate(keep as usize);
        s.values.truncate(keep as usize);
        if let (Some(&last), Some(&first)) = (s.steps.last(), steps.first()) {
            if first <= last {
                return Err(error(
                    &what,
                    format!("steps must increase: {first} follows {last}"),
                ));
            }
        }
        s.steps.extend_from_slice(&steps);
        s.values.extend_from_slice(values);
        Ok(())
    }

    /// Adds findings to mark: objects with at least `step` and `severity`.
    #[wasm_bindgen(js_name = addFindings)]
    pub fn add_findings(&mut self, findings: JsValue) -> Result<(), JsError> {
        let markers = read_markers(findings)?;
        self.run.markers.extend(markers);
        Ok(())
    }

    /// Adds steps at which the automatic response acted.
    #[wasm_bindgen(js_name = addActions)]
    pub fn add_actions(&mut self, steps: JsValue) -> Result<(), JsError> {
        let steps = read_actions(&steps)?;
        self.run.actions.extend(steps);
        Ok(())
    }

    /// Sets the steps the run has taken.
    #[wasm_bindgen(js_name = setSteps)]
    pub fn set_steps(&mut self, steps: f64) {
        if steps.is_finite() && steps >= 0.0 {
            self.steps = steps as u64;
        }
    }

    /// Whether the view holds a twin without the automatic response.
    #[wasm_bindgen(js_name = hasTwin)]
    pub fn has_twin(&self) -> bool {
        self.twin.is_some()
    }

    /// The latest value of every metric, as a plain object (plus `step`).
    pub fn latest(&self) -> Result<JsValue, JsError> {
        latest(&self.run.series, self.steps)
    }

    /// Names of the metrics held.
    #[wasm_bindgen(js_name = metricNames)]
    pub fn metric_names(&self) -> Vec<String> {
        super::metric_names(&self.run.series)
    }

    /// Values of metric `name` (empty when not held).
    pub fn values(&self, name: JsValue) -> Vec<f64> {
        let name = &super::name_arg(&name);
        super::values(&self.run.series, name)
    }

    /// Steps of metric `name`'s values.
    #[wasm_bindgen(js_name = stepsOf)]
    pub fn steps_of(&self, name: JsValue) -> Vec<f64> {
        let name = &super::name_arg(&name);
        super::steps_of(&self.run.series, name)
    }

    /// Draws a chart on `canvas`: the live run (unless `options.live` is
    /// false) and the stored runs of `board` that `options.traces` names,
    /// with markers at the findings of `options.markers` ("live" or a stored
    /// run). Returns where the plot landed: `{left, right, top, bottom}` in
    /// canvas pixels and the steps `x0`, `x1` it spans.
    pub fn draw(
        &self,
        canvas: HtmlCanvasElement,
        options: JsValue,
        board: &Board,
    ) -> Result<JsValue, JsError> {
        let opts = DrawOptions::read(options)?;
        let mut traces: Vec<Trace> = Vec::new();
        let mut marked = None;
        if opts.live() {
            if opts.markers() == "live" {
                marked = Some(traces.len());
            }
            traces.push(Trace {
                label: if self.twin.is_some() {
                    "with response"
                } else {
                    "live run"
                },
                series: &self.run.series,
                ghost: false,
                markers: Cow::Borrowed(&self.run.markers),
                actions: &self.run.actions,
            });
            if let Some(twin) = &self.twin {
                traces.push(Trace {
                    label: "without response",
                    series: twin,
                    ghost: true,
                    markers: Cow::Borrowed(&[]),
                    actions: &[],
                });
            }
        }
        for key in &opts.traces {
            let stored = board
                .get(key)
                .ok_or_else(|| error("chart", format!("no stored run '{key}' on the board")))?;
            if opts.markers() == key {
                marked = Some(traces.len());
            }
            traces.push(Trace {
                label: &stored.label,
                series: &stored.series,
                ghost: false,
                markers: Cow::Borrowed(&stored.markers),
                actions: &stored.actions,
            });
        }
        charts::draw(canvas, &opts, &traces, marked)
    }
}
