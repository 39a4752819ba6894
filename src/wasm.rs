//! The browser boundary: the only file that knows about JavaScript.
//!
//! One handle, [`Lab`], owns a run. JavaScript gets small copyable results:
//! numbers, typed arrays and plain objects. Every error crosses as a JS
//! `Error` with a message; nothing reachable from the page panics.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::detectors::{self, Severity};
use crate::plots::{self, Chart, Line, Marker, Scale};
use crate::run::{Run, RunConfig};
use crate::scenarios::classifier::Fault;

/// Installs the panic hook once, so a bug shows a message in the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&SERIALIZER)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Reads a plain JS object as `T` through JSON, so unknown fields are
/// refused by name (serde-wasm-bindgen only looks at the known ones).
fn from_js<T: for<'de> Deserialize<'de> + Default>(
    value: JsValue,
    what: &str,
) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let json = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| JsError::new(&format!("{what}: not a plain object")))?;
    serde_json::from_str(&json).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// plotters-canvas with text measured by the canvas itself.
///
/// plotters' web font code measures text by adding a `<span>` with an inline
/// `style` attribute to the page for every label: the page's
/// Content-Security-Policy forbids inline styles, and it forces a layout per
/// label. `measureText` needs neither.
struct Canvas {
    inner: CanvasBackend,
    context: web_sys::CanvasRenderingContext2d,
}

impl Canvas {
    fn new(canvas: HtmlCanvasElement) -> Result<Canvas, JsError> {
        let context = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
            .ok_or_else(|| JsError::new("chart: no 2-D canvas context"))?;
        let inner = CanvasBackend::with_canvas_object(canvas)
            .ok_or_else(|| JsError::new("chart: no 2-D canvas context"))?;
        Ok(Canvas { inner, context })
    }
}

type DrawResult = Result<(), DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>;

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> DrawResult {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> DrawResult {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> DrawResult {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> DrawResult {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> DrawResult {
        self.inner.draw_rect(a, b, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> DrawResult {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        c: BackendCoord,
        r: u32,
        style: &S,
        fill: bool,
    ) -> DrawResult {
        self.inner.draw_circle(c, r, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> DrawResult {
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> DrawResult {
        self.inner.draw_text(text, style, pos)
    }
    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let width = self
            .context
            .measure_text(text)
            .map(|m| m.width())
            .unwrap_or(0.0);
        Ok((
            width.max(0.0).ceil() as u32,
            style.size().max(0.0).ceil() as u32,
        ))
    }
}

/// How to draw a chart, from JavaScript.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DrawOptions {
    /// Metric names to draw, one line each.
    metrics: Vec<String>,
    /// Title (default: the metric names).
    title: Option<String>,
    /// "linear", "log" or "auto" (default).
    scale: Option<String>,
    /// Visible steps [from, to].
    range: Option<(f64, f64)>,
    /// Device pixel ratio.
    pixel_ratio: Option<f64>,
}

/// One training run in the browser: trainer, faults, detectors and history.
#[wasm_bindgen]
pub struct Lab {
    config: RunConfig,
    run: Run,
}

/// Rust-only helpers (not exported).
impl Lab {
    /// The run, for Rust callers and tests.
    pub fn run(&self) -> &Run {
        &self.run
    }
}

#[wasm_bindgen]
impl Lab {
    /// A lab for `config` (a RunConfig as a plain object; undefined = defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Lab, JsError> {
        let config: RunConfig = from_js(config, "settings")?;
        let run = Run::new(config.clone()).map_err(|e| JsError::new(&format!("settings: {e}")))?;
        Ok(Lab { config, run })
    }

    /// The default settings, as a plain object.
    #[wasm_bindgen(js_name = defaultConfig)]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&RunConfig::default())
    }

    /// Every detector's documentation: id, title, family, what, why, threshold.
    pub fn detectors() -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Doc {
            id: &'static str,
            title: &'static str,
            family: &'static str,
            course_baseline: bool,
            what: &'static str,
            why: &'static str,
            threshold: &'static str,
        }
        let docs: Vec<Doc> = detectors::REGISTRY
            .iter()
            .map(|d| Doc {
                id: d.id,
                title: d.title,
                family: d.family,
                course_baseline: d.course_baseline,
                what: d.what,
                why: d.why,
                threshold: d.threshold,
            })
            .collect();
        to_js(&docs)
    }

    /// Takes up to `n` steps; returns how many were taken (fewer once the
    /// run has failed for good).
    pub fn step(&mut self, n: u32) -> u32 {
        let mut taken = 0;
        while taken < n && self.run.step().is_some() {
            taken += 1;
        }
        taken
    }

    /// Starts the same run again from step 0 (faults as first configured).
    pub fn reset(&mut self) -> Result<(), JsError> {
        self.run = Run::new(self.config.clone()).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(())
    }

    /// Switches fault `id` on with `settings` (a Fault as a plain object with
    /// its `kind`), or off when `settings` is null or undefined.
    #[wasm_bindgen(js_name = setFault)]
    pub fn set_fault(&mut self, id: &str, settings: JsValue) -> Result<(), JsError> {
        let fault: Option<Fault> = if settings.is_undefined() || settings.is_null() {
            None
        } else {
            Some(
                from_js::<Option<Fault>>(settings, &format!("fault {id}"))?
                    .ok_or_else(|| JsError::new("fault: no settings"))?,
            )
        };
        if let Some(f) = &fault {
            if f.id() != id {
                return Err(JsError::new(&format!(
                    "fault {id}: settings are for {}",
                    f.id()
                )));
            }
        }
        self.run
            .set_fault(id, fault)
            .map_err(|e| JsError::new(&format!("fault {id}: {e}")))
    }

    /// Steps taken so far.
    pub fn steps(&self) -> f64 {
        self.run.steps() as f64
    }

    /// The step whose loss first stopped being finite, or undefined.
    #[wasm_bindgen(js_name = hardFailure)]
    pub fn hard_failure(&self) -> Option<f64> {
        self.run.hard_failure().map(|s| s as f64)
    }

    /// Findings from index `from` on (pass the count you already have).
    pub fn findings(&self, from: usize) -> Result<JsValue, JsError> {
        let all = self.run.monitor().findings();
        to_js(&all[from.min(all.len())..])
    }

    /// The ground truth of every fault switched on.
    #[wasm_bindgen(js_name = groundTruth)]
    pub fn ground_truth(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.ground_truth())
    }

    /// The latest value of every metric, as a plain object (plus `step`).
    pub fn latest(&self) -> Result<JsValue, JsError> {
        let mut out: BTreeMap<&str, f64> = BTreeMap::new();
        for s in self.run.monitor().history.series() {
            if let Some(&v) = s.values.last() {
                out.insert(&s.name, v);
            }
        }
        out.insert("step", self.run.steps() as f64);
        to_js(&out)
    }

    /// Names of the metrics recorded so far.
    #[wasm_bindgen(js_name = metricNames)]
    pub fn metric_names(&self) -> Vec<String> {
        self.run
            .monitor()
            .history
            .series()
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// Values of metric `name` (empty when never reported).
    pub fn values(&self, name: &str) -> Vec<f64> {
        self.run
            .monitor()
            .history
            .get(name)
            .map(|s| s.values.clone())
            .unwrap_or_default()
    }

    /// Steps of metric `name`'s values.
    #[wasm_bindgen(js_name = stepsOf)]
    pub fn steps_of(&self, name: &str) -> Vec<f64> {
        self.run
            .monitor()
            .history
            .get(name)
            .map(|s| s.steps.iter().map(|&x| x as f64).collect())
            .unwrap_or_default()
    }

    /// Draws metrics on `canvas` with markers at every finding.
    pub fn draw(&self, canvas: HtmlCanvasElement, options: JsValue) -> Result<(), JsError> {
        let opts: DrawOptions = from_js(options, "chart options")?;
        let backend = Canvas::new(canvas)?;
        let history = &self.run.monitor().history;
        let lines: Vec<Line> = opts
            .metrics
            .iter()
            .enumerate()
            .filter_map(|(i, name)| {
                history.get(name).map(|s| Line {
                    label: &s.name,
                    steps: &s.steps,
                    values: &s.values,
                    color: plots::PALETTE[i % plots::PALETTE.len()],
                })
            })
            .collect();
        let markers: Vec<Marker> = self
            .run
            .monitor()
            .findings()
            .iter()
            .map(|f| Marker {
                step: f.step,
                severity: f.severity,
            })
            .collect();
        let scale = match opts.scale.as_deref() {
            Some("linear") => Scale::Linear,
            Some("log") => Scale::Log,
            None | Some("auto") => Scale::Auto,
            Some(other) => {
                return Err(JsError::new(&format!(
                    "chart scale '{other}': use linear, log or auto"
                )))
            }
        };
        let x_range = opts
            .range
            .filter(|(a, b)| a.is_finite() && b.is_finite() && a < b)
            .map(|(a, b)| (a.max(0.0) as u64, b.max(0.0) as u64));
        let title = opts.title.unwrap_or_else(|| opts.metrics.join(", "));
        let chart = Chart {
            title: &title,
            lines,
            markers: &markers,
            scale,
            x_range,
            pixel_ratio: opts.pixel_ratio.filter(|r| r.is_finite()).unwrap_or(1.0),
        };
        plots::draw(&backend.into_drawing_area(), &chart)
            .map_err(|e| JsError::new(&format!("chart: {e}")))
    }

    /// The colour of a severity ("info", "warning", "critical") as #rrggbb.
    #[wasm_bindgen(js_name = severityColor)]
    pub fn severity_color(severity: &str) -> String {
        let s = match severity {
            "critical" => Severity::Critical,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        };
        let RGBColor(r, g, b) = plots::severity_color(s);
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}
