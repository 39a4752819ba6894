//! The evaluation suite in the browser: [`Evaluation`] runs it a slice at a
//! time (the page drives it from a Web Worker), and the panel's two charts,
//! lead-time histograms ([`draw_histogram`]) and threshold-sweep curves
//! ([`draw_curves`]), drawn by plotters on a canvas of the page.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::Canvas;
use super::{error, from_js, to_js};
use crate::eval::cases;
use crate::eval::report::{FALSE_ALARM_GOAL, RECALL_GOAL};
use crate::eval::score::score_run;
use crate::eval::{format, Settings, Suite};
use crate::plots::PALETTE;

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

/// The lead times of one detector under test, per faulty case.
#[derive(Debug, Serialize)]
struct LeadTimes {
    detector: String,
    baseline: bool,
    cases: Vec<CaseLeads>,
}

/// Lead times (steps from the first in-time warning to the hard failure)
/// over the finished runs of one faulty case.
#[derive(Debug, Serialize)]
struct CaseLeads {
    case: String,
    leads: Vec<u64>,
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
        let suite = Suite::new(settings).map_err(|e| error("evaluation", e))?;
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
        to_js(&lead_times(&self.suite))
    }

    /// The report as CSV blocks, as `failure-lab eval --format csv` prints it.
    pub fn csv(&self) -> String {
        format::csv(&self.suite.report())
    }
}

/// Every detector's lead times on every faulty case, from the finished runs.
fn lead_times(suite: &Suite) -> Vec<LeadTimes> {
    let settings = suite.settings();
    let faulty: Vec<usize> = (0..settings.cases.len())
        .filter(|&c| settings.cases[c].fault.is_some())
        .collect();
    let finished = || {
        suite
            .jobs()
            .iter()
            .zip(suite.records())
            .filter(|(job, _)| !job.respond)
            .filter_map(|(job, record)| Some((job.case, record.as_ref()?)))
    };
    settings
        .detectors
        .iter()
        .enumerate()
        .map(|(slot, detector)| LeadTimes {
            detector: detector.id.clone(),
            baseline: detector.baseline,
            cases: faulty
                .iter()
                .map(|&c| CaseLeads {
                    case: settings.cases[c].label.clone(),
                    leads: finished()
                        .filter(|&(case, _)| case == c)
                        .filter_map(|(_, r)| {
                            score_run(&r.truth, &r.firings[slot], settings.min_severity).lead()
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

const INK: RGBColor = RGBColor(0x0f, 0x17, 0x2a);
const MUTED: RGBColor = RGBColor(0x47, 0x55, 0x69);
const GRID: RGBColor = RGBColor(0xe2, 0xe8, 0xf0);
const AXIS: RGBColor = RGBColor(0x94, 0xa3, 0xb8);

/// One stack of a histogram's bars: a label and its values, coloured by
/// `color` (an index into the chart palette).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Group {
    label: String,
    color: usize,
    values: Vec<f64>,
}

/// A stacked histogram to draw, from JavaScript.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Histogram {
    title: String,
    x_label: String,
    /// Stacked in order, bottom first.
    groups: Vec<Group>,
    /// The right end of the value axis (default: the largest value), so
    /// that several histograms share one axis.
    max: Option<f64>,
    /// About how many bins (default 20).
    bins: Option<u32>,
    /// What to write when there are no values.
    empty: Option<String>,
    /// Device pixels per CSS pixel, times any text enlargement.
    pixel_ratio: Option<f64>,
}

/// One point of a curve; `y` None leaves a gap.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CurvePoint {
    x: f64,
    y: Option<f64>,
    /// Written beside the point (when it does not cover another label).
    label: Option<String>,
    /// Drawn larger and ringed (a detector's default setting).
    mark: bool,
}

/// One curve: a label, a palette colour index and its points in order.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Curve {
    label: String,
    color: usize,
    points: Vec<CurvePoint>,
}

/// Curves of y against x to draw, from JavaScript.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Curves {
    title: String,
    x_label: String,
    y_label: String,
    curves: Vec<Curve>,
    /// A dashed vertical line at this x (a goal), with its text.
    x_goal: Option<(f64, String)>,
    /// What to write when no point has a value.
    empty: Option<String>,
    /// Device pixels per CSS pixel, times any text enlargement.
    pixel_ratio: Option<f64>,
}

/// Draws a stacked histogram on `canvas` from `options` (`{title, x_label,
/// groups: [{label, color, values}], max, bins, empty, pixel_ratio}`).
#[wasm_bindgen(js_name = drawHistogram)]
pub fn draw_histogram(canvas: HtmlCanvasElement, options: JsValue) -> Result<(), JsError> {
    let h: Histogram = from_js(options, "histogram")?;
    h.validate().map_err(|e| error("histogram", e))?;
    let backend = Canvas::new(canvas)?;
    histogram(&backend.into_drawing_area(), &h).map_err(|e| error("histogram", e))
}

/// Draws curves on `canvas` from `options` (`{title, x_label, y_label,
/// curves: [{label, color, points: [{x, y, label, mark}]}], x_goal, empty,
/// pixel_ratio}`).
#[wasm_bindgen(js_name = drawCurves)]
pub fn draw_curves(canvas: HtmlCanvasElement, options: JsValue) -> Result<(), JsError> {
    let c: Curves = from_js(options, "curves")?;
    c.validate().map_err(|e| error("curves", e))?;
    let backend = Canvas::new(canvas)?;
    curves(&backend.into_drawing_area(), &c).map_err(|e| error("curves", e))
}

/// At most this many groups, curves, or points per curve.
const MAX_ITEMS: usize = 64;

/// The largest magnitude of a value to draw (steps and rates are far below).
const MAX_VALUE: f64 = 1e12;

/// Whether `v` can be drawn: finite and at most [`MAX_VALUE`] in size.
fn drawable(v: f64) -> bool {
    v.is_finite() && v.abs() <= MAX_VALUE
}

impl Histogram {
    fn validate(&self) -> Result<(), String> {
        if self.groups.len() > MAX_ITEMS {
            return Err(format!("at most {MAX_ITEMS} groups"));
        }
        if self.groups.iter().map(|g| g.values.len()).sum::<usize>() > 1_000_000 {
            return Err("at most 1000000 values".into());
        }
        if let Some(g) = self
            .groups
            .iter()
            .find(|g| g.values.iter().any(|&v| !(drawable(v) && v >= 0.0)))
        {
            return Err(format!(
                "group '{}': values must be from 0 to {MAX_VALUE:e}",
                g.label
            ));
        }
        if self.max.is_some_and(|m| !(drawable(m) && m > 0.0)) {
            return Err(format!("max must be above 0 and at most {MAX_VALUE:e}"));
        }
        if self.bins.is_some_and(|b| !(1..=200).contains(&b)) {
            return Err("bins must be from 1 to 200".into());
        }
        Ok(())
    }
}

impl Curves {
    fn validate(&self) -> Result<(), String> {
        if self.curves.len() > MAX_ITEMS {
            return Err(format!("at most {MAX_ITEMS} curves"));
        }
        for c in &self.curves {
            if c.points.len() > 1000 {
                return Err(format!("curve '{}': at most 1000 points", c.label));
            }
            if c.points
                .iter()
                .any(|p| !drawable(p.x) || p.y.is_some_and(|y| !drawable(y)))
            {
                return Err(format!(
                    "curve '{}': x and y must be finite, at most {MAX_VALUE:e} in size",
                    c.label
                ));
            }
        }
        if self.x_goal.as_ref().is_some_and(|(x, _)| !drawable(*x)) {
            return Err(format!(
                "x_goal must be finite, at most {MAX_VALUE:e} in size"
            ));
        }
        Ok(())
    }
}

/// Text size and line widths for a pixel ratio from JavaScript.
fn pixel_scale(ratio: Option<f64>) -> f64 {
    ratio
        .filter(|r| r.is_finite())
        .unwrap_or(1.0)
        .clamp(0.5, 4.0)
}

/// The colour of palette index `i`.
fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A round bin width (1, 2 or 5 times a power of ten, at least 1) that
/// splits `0..=max` into about `bins` bins.
pub fn bin_width(max: f64, bins: u32) -> f64 {
    let raw = (max / f64::from(bins.max(1))).max(1.0);
    let power = libm::pow(10.0, libm::floor(libm::log10(raw)));
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|w| *w >= raw)
        .unwrap_or(10.0 * power)
}

/// Splits the drawing area under a title row; returns the plot's area.
fn titled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    px: f64,
) -> Result<DrawingArea<DB, Shift>, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let (head, body) = area.split_vertically((24.0 * px) as u32);
    let font = ("sans-serif", (14.0 * px).round()).into_font().color(&INK);
    head.draw(&Text::new(
        title.to_string(),
        ((10.0 * px) as i32, (5.0 * px) as i32),
        font,
    ))
    .map_err(err)?;
    Ok(body)
}

/// The plot of `body` spanning `x` and `y`, with room for the axis labels
/// (`y_labels` CSS pixels wide).
fn axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    y_labels: f64,
    px: f64,
) -> Result<Plot<'a, DB>, String> {
    ChartBuilder::on(body)
        .margin_left((6.0 * px) as u32)
        .margin_right((16.0 * px) as u32)
        .margin_bottom((4.0 * px) as u32)
        .x_label_area_size((34.0 * px) as u32)
        .y_label_area_size((y_labels * px) as u32)
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())
}

/// A chart's plot, in data coordinates.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Ends a chart: when it showed nothing, `empty` (or "no data") in the
/// middle of its plot; then shows it.
fn finish<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot<DB>,
    nothing: bool,
    empty: Option<&str>,
    px: f64,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    if nothing {
        let (xs, ys) = plot.plotting_area().get_pixel_range();
        let style = ("sans-serif", (13.0 * px).round())
            .into_font()
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let at = ((xs.start + xs.end) / 2, (ys.start + ys.end) / 2);
        area.draw(&Text::new(
            empty.unwrap_or("no data").to_string(),
            at,
            style,
        ))
        .map_err(err)?;
    }
    area.present().map_err(err)
}

/// Draws `h` on `area`: stacked bars of counts per bin. Never panics on
/// any data (validated or not): no values give a framed, empty chart.
fn histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    h: &Histogram,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let px = pixel_scale(h.pixel_ratio);
    let body = titled(area, &h.title, px)?;
    let values = || {
        h.groups
            .iter()
            .flat_map(|g| &g.values)
            .copied()
            .filter(|v| v.is_finite())
    };
    let largest = values().fold(0.0, f64::max);
    let max = h
        .max
        .filter(|m| m.is_finite() && *m > 0.0)
        .unwrap_or(largest)
        .max(1.0);
    let width = bin_width(max, h.bins.unwrap_or(20));
    let bins = (max / width) as usize + 1;
    let bin = |v: f64| ((v.max(0.0) / width) as usize).min(bins - 1);
    // counts[group][bin], then the bars stacked bottom first.
    let counts: Vec<Vec<u32>> = h
        .groups
        .iter()
        .map(|g| {
            let mut c = vec![0; bins];
            for &v in g.values.iter().filter(|v| v.is_finite()) {
                c[bin(v)] += 1;
            }
            c
        })
        .collect();
    let tallest = (0..bins)
        .map(|b| counts.iter().map(|c| c[b]).sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1);
    let x_end = bins as f64 * width;
    let mut ctx = axes(&body, 0.0..x_end, 0.0..f64::from(tallest) * 1.1, 40.0, px)?;
    let label_font = ("sans-serif", (11.0 * px).round())
        .into_font()
        .color(&MUTED);
    let count_fmt = |v: &f64| format!("{v:.0}");
    let step_fmt = |v: &f64| format!("{v:.0}");
    ctx.configure_mesh()
        .max_light_lines(0)
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(px.max(1.0) as u32))
        .axis_style(AXIS)
        .label_style(label_font.clone())
        .axis_desc_style(label_font)
        .x_desc(h.x_label.as_str())
        .x_labels(6)
        .y_labels((tallest as usize + 1).min(5))
        .x_label_formatter(&step_fmt)
        .y_label_formatter(&count_fmt)
        .draw()
        .map_err(err)?;
    let inset = width * 0.08;
    let mut base = vec![0u32; bins];
    for (g, c) in h.groups.iter().zip(&counts) {
        let fill = colour(g.color).filled();
        let bars = (0..bins).filter(|&b| c[b] > 0).map(|b| {
            let x0 = b as f64 * width;
            let (y0, y1) = (f64::from(base[b]), f64::from(base[b] + c[b]));
            Rectangle::new([(x0 + inset, y0), (x0 + width - inset, y1)], fill)
        });
        ctx.draw_series(bars).map_err(err)?;
        for b in 0..bins {
            base[b] += c[b];
        }
    }
    finish(
        area,
        &ctx,
        values().next().is_none(),
        h.empty.as_deref(),
        px,
    )
}

/// Whether two boxes (left, top, right, bottom) overlap.
fn overlaps(a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Draws `c` on `area`: each curve as a line through its points, the
/// marked points ringed, the labels that fit beside their points.
fn curves<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Curves) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let px = pixel_scale(c.pixel_ratio);
    let body = titled(area, &c.title, px)?;
    let points = || {
        c.curves
            .iter()
            .flat_map(|k| &k.points)
            .filter_map(|p| Some((p.x, p.y?)))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let goal = c.x_goal.as_ref().filter(|(x, _)| x.is_finite());
    let x_hi = points()
        .map(|p| p.0)
        .chain(goal.map(|g| g.0))
        .fold(0.05, f64::max);
    let x_lo = points().map(|p| p.0).fold(0.0, f64::min);
    let y_hi = points().map(|p| p.1).fold(1.0, f64::max);
    let y_lo = points().map(|p| p.1).fold(0.0, f64::min);
    let x_pad = (x_hi - x_lo) * 0.06;
    let x = x_lo - x_pad..x_hi + x_pad;
    let mut ctx = axes(&body, x, y_lo..y_hi * 1.12, 56.0, px)?;
    let label_font = ("sans-serif", (11.0 * px).round())
        .into_font()
        .color(&MUTED);
    let x_fmt = |v: &f64| format!("{v:.2}");
    let y_fmt = |v: &f64| format!("{v:.0}");
    ctx.configure_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID.stroke_width(px.max(1.0) as u32))
        .axis_style(AXIS)
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone())
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;
    if let Some((x, text)) = goal {
        let style = MUTED.mix(0.8).stroke_width(px.max(1.0) as u32);
        let line = plotters::element::DashedPathElement::new(
            vec![(*x, y_lo), (*x, y_hi * 1.12)],
            (5.0 * px) as u32,
            (4.0 * px) as u32,
            style,
        );
        ctx.draw_series(std::iter::once(line)).map_err(err)?;
        let (gx, gy) = ctx.backend_coord(&(*x, y_hi * 1.12));
        area.draw(&Text::new(
            text.clone(),
            (gx + (4.0 * px) as i32, gy + (2.0 * px) as i32),
            label_font.clone(),
        ))
        .map_err(err)?;
    }
    let stroke = (2.0 * px).max(1.0) as u32;
    let radius = (3.5 * px).max(2.0) as u32;
    let mut labels: Vec<(bool, &str, (i32, i32))> = Vec::new();
    for curve in &c.curves {
        let color = colour(curve.color);
        // A point without a value breaks the line.
        let mut segment: Vec<(f64, f64)> = Vec::new();
        let mut segments = Vec::new();
        for p in &curve.points {
            match p.y.filter(|y| y.is_finite()) {
                Some(y) => segment.push((p.x, y)),
                None => segments.push(std::mem::take(&mut segment)),
            }
        }
        segments.push(segment);
        for seg in segments.into_iter().filter(|s| !s.is_empty()) {
            ctx.draw_series(std::iter::once(PathElement::new(
                seg,
                color.stroke_width(stroke),
            )))
            .map_err(err)?;
        }
        for p in &curve.points {
            let Some(y) = p.y.filter(|y| y.is_finite()) else {
                continue;
            };
            let r = if p.mark { radius * 2 } else { radius };
            ctx.draw_series(std::iter::once(Circle::new((p.x, y), r, color.filled())))
                .map_err(err)?;
            if p.mark {
                ctx.draw_series(std::iter::once(Circle::new(
                    (p.x, y),
                    r + stroke + 1,
                    INK.stroke_width(stroke),
                )))
                .map_err(err)?;
            }
            if let Some(text) = p.label.as_deref() {
                labels.push((p.mark, text, ctx.backend_coord(&(p.x, y))));
            }
        }
    }
    // Labels that fit, the marked points' first.
    labels.sort_by_key(|l| !l.0);
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for (_, text, (bx, by)) in labels {
        let (w, th) = area.estimate_text_size(text, &label_font).map_err(err)?;
        let at = (bx + (6.0 * px) as i32, by - th as i32 - (4.0 * px) as i32);
        let rect = (at.0, at.1, at.0 + w as i32, at.1 + th as i32);
        if placed.iter().all(|&other| !overlaps(rect, other)) {
            area.draw(&Text::new(text.to_string(), at, label_font.clone()))
                .map_err(err)?;
            placed.push(rect);
        }
    }
    finish(
        area,
        &ctx,
        points().next().is_none(),
        c.empty.as_deref(),
        px,
    )
}
