//! Charts of metric series (the live charts, stored and imported runs),
//! generic over plotters' `DrawingBackend`: the browser draws on a canvas,
//! tests draw SVG natively.
//!
//! Long series are min/max-decimated to at most four points (first, min,
//! max, last) per three pixel columns, so drawing costs about the same for a
//! thousand points or a million; only the scan that decimates grows with
//! the points shown.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use serde::Serialize;

use std::borrow::Cow;

use super::palette::{colour, severity_color, AXIS, GHOST, GRID, INK, MUTED};
use crate::detectors::{Finding, Severity};
use crate::monitor::Series;

/// How a line is stroked: full strength, or thinner and paler (a second
/// metric of a run among several, or a run shown for comparison).
///
/// There is no dashed style: plotters draws each dash as its own stroke, and
/// a noisy series of a thousand points makes tens of thousands of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    /// A full-strength line.
    Solid,
    /// A thinner, paler line.
    Faint,
}

/// One line on a chart.
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    /// Step of each point, in increasing order.
    pub steps: &'a [u64],
    /// Value of each point; non-finite values break the line and are marked.
    pub values: &'a [f64],
    /// Line colour.
    pub color: RGBColor,
    /// Line style.
    pub stroke: Stroke,
}

/// One entry of a chart's legend: a short stroke and its label.
#[derive(Clone, Copy, Debug)]
pub struct Key<'a> {
    /// What the stroke stands for (a metric, or a run).
    pub label: &'a str,
    /// Its colour.
    pub color: RGBColor,
    /// Its style.
    pub stroke: Stroke,
}

/// A vertical mark at the step where a detector fired.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Marker {
    /// Where it fired.
    pub step: u64,
    /// How serious it was (gives the colour).
    pub severity: Severity,
}

/// Linear or logarithmic value axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Plain values.
    Linear,
    /// log10 of the values; values <= 0 are left out.
    Log,
    /// Log when all visible values are positive and span over three decades.
    Auto,
}

/// What to draw.
#[derive(Clone, Debug)]
pub struct Chart<'a> {
    /// Title above the plot.
    pub title: &'a str,
    /// The lines.
    pub lines: Vec<Line<'a>>,
    /// The legend (shown when it has two entries or more).
    pub legend: Vec<Key<'a>>,
    /// Finding markers.
    pub markers: &'a [Marker],
    /// Steps at which an automatic response acted (a triangle each).
    pub actions: &'a [u64],
    /// Value axis scale.
    pub scale: Scale,
    /// Visible step range (None: the whole run).
    pub x_range: Option<(u64, u64)>,
    /// Size of text and lines: device pixels per CSS pixel, times any
    /// enlargement (a presenter's large type).
    pub pixel_ratio: f64,
}

/// Where the plot landed on the drawing area, in backend pixels, and the
/// steps it spans: what a page needs to turn a pointer position into a step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PlotArea {
    /// Left edge of the plot (the first step).
    pub left: i32,
    /// Right edge of the plot (the last step).
    pub right: i32,
    /// Top edge of the plot.
    pub top: i32,
    /// Bottom edge of the plot.
    pub bottom: i32,
    /// First step shown.
    pub x0: u64,
    /// Last step shown.
    pub x1: u64,
    /// Whether the value axis is logarithmic.
    pub log: bool,
}

/// The mesh of a chart with its axes described: no light lines, the grid and
/// axis colours, `labels` for the tick labels and the axis descriptions.
/// The caller adds what differs (descriptions, counts, formatters) and
/// draws it.
pub(super) fn described_mesh<'a, 'b, DB, XT, YT, X, Y>(
    ctx: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    labels: TextStyle<'b>,
    px: f64,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let mut mesh = ctx.configure_mesh();
    mesh.max_light_lines(0)
        .bold_line_style(GRID.stroke_width(px.max(1.0) as u32))
        .axis_style(AXIS)
        .label_style(labels.clone())
        .axis_desc_style(labels);
    mesh
}

/// Keeps, for each of `buckets` equal step ranges of `range`, the first,
/// minimum, maximum and last points, in step order. Non-finite values are kept
/// (as gaps). Output size is at most 6 * buckets whatever the input size.
/// `steps` must be in increasing order.
pub fn decimate(
    steps: &[u64],
    values: &[f64],
    range: (u64, u64),
    buckets: usize,
) -> Vec<(u64, f64)> {
    let (lo, hi) = (range.0, range.1.max(range.0));
    let end_all = steps.len().min(values.len());
    let steps = &steps[..end_all];
    let start = steps.partition_point(|&s| s < lo);
    let end = steps.partition_point(|&s| s <= hi);
    let n = end.saturating_sub(start);
    let buckets = buckets.max(1);
    if n <= 4 * buckets {
        return (start..end).map(|i| (steps[i], values[i])).collect();
    }
    let width = ((hi - lo) as f64 / buckets as f64).max(1.0);
    let mut out = Vec::with_capacity(4 * buckets);
    let mut i = start;
    let mut b = 0;
    while i < end {
        // Bucket b holds the steps s with b <= (s - lo) / width < b + 1.
        let next = lo.saturating_add(libm::ceil((b + 1) as f64 * width) as u64);
        let j = i + steps[i..end].partition_point(|&s| s < next);
        b += 1;
        if j == i {
            continue;
        }
        let (mut min_i, mut max_i) = (usize::MAX, usize::MAX);
        let (mut min_v, mut max_v) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut bad = [usize::MAX; 2];
        for (k, &v) in values[i..j].iter().enumerate() {
            if v.is_finite() {
                if v < min_v {
                    (min_v, min_i) = (v, i + k);
                }
                if v > max_v {
                    (max_v, max_i) = (v, i + k);
                }
            } else if bad[0] == usize::MAX {
                bad[0] = i + k;
            } else if bad[1] == usize::MAX {
                bad[1] = i + k;
            }
        }
        let mut keep = [i, j - 1, min_i, max_i, bad[0], bad[1]];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != usize::MAX && k != last {
                out.push((steps[k], values[k]));
                last = k;
            }
        }
        i = j;
    }
    out
}

/// Whether metric `name` is drawn for `pattern`: the name itself, or
/// `prefix/*` for every `prefix/<part>` (per-layer metrics).
pub fn metric_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(prefix) => name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/')),
        None => pattern == name,
    }
}

fn to_axis(v: f64, log: bool) -> Option<f64> {
    if !v.is_finite() {
        return None;
    }
    if log {
        (v > 0.0).then(|| libm::log10(v))
    } else {
        Some(v)
    }
}

/// `text` without trailing zeros after a decimal point.
fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// An axis label for `v` when the ticks are about `spacing` apart: plain
/// decimals with as many places as the spacing needs, or `1.5e-4` for very
/// small and very large numbers.
fn format_value(v: f64, spacing: f64) -> String {
    let a = v.abs();
    if a == 0.0 || !v.is_finite() {
        return if a == 0.0 { "0".into() } else { format!("{v}") };
    }
    if !(1e-3..1e4).contains(&a) {
        let text = format!("{v:.2e}");
        return match text.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
            None => text,
        };
    }
    let spacing = if spacing.is_finite() && spacing > 0.0 {
        spacing
    } else {
        a
    };
    let places = (1.0 - libm::floor(libm::log10(spacing))).clamp(0.0, 8.0) as usize;
    trim_zeros(&format!("{v:.places$}")).to_string()
}

/// Draws `chart` on `area`; returns where the plot landed. Never panics on
/// any data: empty, constant or non-finite series give an empty but framed
/// chart.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<PlotArea, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let px = if chart.pixel_ratio.is_finite() {
        chart.pixel_ratio.clamp(0.5, 4.0)
    } else {
        1.0
    };
    let font = |size: f64| ("sans-serif", (size * px).round()).into_font();
    area.fill(&WHITE).map_err(err)?;

    let last_step = chart
        .lines
        .iter()
        .filter_map(|l| l.steps.last())
        .copied()
        .max()
        .unwrap_or(0);
    let first_step = chart
        .lines
        .iter()
        .filter_map(|l| l.steps.first())
        .copied()
        .min()
        .unwrap_or(0);
    let (x0, x1) = chart
        .x_range
        .unwrap_or((first_step, last_step.max(first_step.saturating_add(1))));
    let x1 = x1.max(x0.saturating_add(1));
    let buckets = (area.dim_in_pixel().0 as usize / 3).max(16);
    let points: Vec<Vec<(u64, f64)>> = chart
        .lines
        .iter()
        .map(|l| decimate(l.steps, l.values, (x0, x1), buckets))
        .collect();

    let finite = || {
        points
            .iter()
            .flatten()
            .map(|p| p.1)
            .filter(|v| v.is_finite())
    };
    let min = finite().fold(f64::INFINITY, f64::min);
    let max = finite().fold(f64::NEG_INFINITY, f64::max);
    let log = match chart.scale {
        Scale::Linear => false,
        Scale::Log => true,
        Scale::Auto => min > 0.0 && max / min > 1e3,
    };
    let (mut y0, mut y1) = points
        .iter()
        .flatten()
        .filter_map(|p| to_axis(p.1, log))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !(y0.is_finite() && y1.is_finite()) {
        (y0, y1) = (0.0, 1.0);
    }
    // A flat series gets a band around its value, so its labels differ.
    let flat = if log { 0.1 } else { (0.1 * y1.abs()).max(1e-9) };
    let pad = if y1 - y0 > 1e-9 * y1.abs().max(1e-300) {
        (y1 - y0) * 0.05
    } else {
        flat
    };
    let (y0, y1) = (y0 - pad, y1 + pad);

    // The title row: the title, then the legend, wrapping onto more rows
    // when it does not fit.
    let title_font = font(15.0).color(&INK);
    let title_x = (10.0 * px) as i32;
    let (title_w, _) = area
        .estimate_text_size(chart.title, &title_font)
        .map_err(err)?;
    let legend = place_legend(area, &chart.legend, title_x, title_x + title_w as i32, px)?;
    let rows = legend.iter().map(|p| p.row + 1).max().unwrap_or(1);
    let title_h = ((24.0 + LEGEND_ROW * (rows - 1) as f64) * px) as u32;
    let (head, body) = area.split_vertically(title_h);
    head.draw(&Text::new(
        chart.title.to_string(),
        (title_x, (4.0 * px) as i32),
        title_font,
    ))
    .map_err(err)?;
    draw_legend(&head, &legend, px)?;

    let mut ctx = ChartBuilder::on(&body)
        .margin_left((6.0 * px) as u32)
        .margin_right((12.0 * px) as u32)
        .margin_bottom((4.0 * px) as u32)
        .x_label_area_size((24.0 * px) as u32)
        .y_label_area_size((54.0 * px) as u32)
        .build_cartesian_2d(x0 as f64..x1 as f64, y0..y1)
        .map_err(err)?;
    let spacing = (y1 - y0) / 4.0;
    let y_fmt = |v: &f64| {
        if log {
            let value = libm::pow(10.0, *v);
            format_value(value, value)
        } else {
            format_value(*v, spacing)
        }
    };
    let x_fmt = |v: &f64| format!("{}", *v as u64);
    ctx.configure_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID.stroke_width(px.max(1.0) as u32))
        .axis_style(AXIS)
        .label_style(font(12.0).color(&MUTED))
        .x_labels((x1 - x0 + 1).min(5) as usize)
        .y_labels(4)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;

    for m in chart
        .markers
        .iter()
        .filter(|m| m.step >= x0 && m.step <= x1)
    {
        let style = severity_color(m.severity)
            .mix(0.75)
            .stroke_width((2.0 * px).max(1.0) as u32);
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(m.step as f64, y0), (m.step as f64, y1)],
            style,
        )))
        .map_err(err)?;
    }
    let actions = chart
        .actions
        .iter()
        .filter(|&&s| s >= x0 && s <= x1)
        .map(|&s| TriangleMarker::new((s as f64, y0 + pad / 2.0), (5.0 * px) as u32, INK.filled()));
    ctx.draw_series(actions).map_err(err)?;

    for (line, pts) in chart.lines.iter().zip(&points) {
        let style = stroke_style(line.color, line.stroke, px);
        // Split at non-finite values: a NaN breaks the line.
        let mut segment: Vec<(f64, f64)> = Vec::new();
        let mut segments = Vec::new();
        for &(s, v) in pts {
            match to_axis(v, log) {
                Some(y) => segment.push((s as f64, y)),
                None => segments.push(std::mem::take(&mut segment)),
            }
        }
        segments.push(segment);
        for seg in segments.into_iter().filter(|s| !s.is_empty()) {
            ctx.draw_series(std::iter::once(PathElement::new(seg, style)))
                .map_err(err)?;
        }
        // Non-finite values: a cross at the top of the chart.
        let bad = pts.iter().filter(|p| !p.1.is_finite()).map(|p| {
            Cross::new(
                (p.0 as f64, y1 - pad / 2.0),
                (4.0 * px) as u32,
                severity_color(Severity::Critical),
            )
        });
        ctx.draw_series(bad).map_err(err)?;
    }
    let (xs, ys) = ctx.plotting_area().get_pixel_range();
    if points.iter().all(|p| p.is_empty()) {
        let text = if chart.lines.is_empty() {
            "no data"
        } else {
            "no data in these steps"
        };
        let style = font(13.0)
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw(&Text::new(
            text,
            ((xs.start + xs.end) / 2, (ys.start + ys.end) / 2),
            style,
        ))
        .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(PlotArea {
        left: xs.start,
        right: xs.end,
        top: ys.start,
        bottom: ys.end,
        x0,
        x1,
        log,
    })
}

impl Scale {
    /// The scale named `name` ("linear", "log" or "auto"; None: auto).
    pub fn parse(name: Option<&str>) -> Result<Scale, String> {
        match name {
            Some("linear") => Ok(Scale::Linear),
            Some("log") => Ok(Scale::Log),
            None | Some("auto") => Ok(Scale::Auto),
            Some(other) => Err(format!("chart scale '{other}': use linear, log or auto")),
        }
    }
}

/// One run as a chart sees it.
pub struct Trace<'a> {
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
pub fn markers(findings: &[Finding]) -> Cow<'static, [Marker]> {
    findings
        .iter()
        .map(|f| Marker {
            step: f.step,
            severity: f.severity,
        })
        .collect()
}

/// What a chart of runs shows: the page's chart options, read.
#[derive(Clone, Debug)]
pub struct RunsChart<'a> {
    /// Metric names to draw; `name/*` stands for every `name/<part>`
    /// (per-layer metrics). At most 16.
    pub metrics: &'a [String],
    /// Title (None: the metric names).
    pub title: Option<&'a str>,
    /// Value axis scale.
    pub scale: Scale,
    /// Visible steps (None, or not a finite increasing pair: every step of
    /// the runs shown, so the charts line up whatever metrics each draws).
    pub range: Option<(f64, f64)>,
    /// Device pixel ratio, times any text enlargement.
    pub pixel_ratio: f64,
}

/// Draws `traces` on `area` as `options` say: one line per (run, metric),
/// a colour per metric for one run, a colour per run and a style per
/// metric (solid, then faint) for several, the run without the response in
/// grey; markers and action triangles of trace `marked`. Returns where the
/// plot landed.
pub fn draw_runs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    options: &RunsChart,
    traces: &[Trace],
    marked: Option<usize>,
) -> Result<PlotArea, String> {
    if options.metrics.len() > 16 {
        return Err("at most 16 metrics on one chart".into());
    }
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
            GHOST
        } else if many {
            colour(run)
        } else {
            colour(nth)
        }
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut metric_names: Vec<&str> = Vec::new();
    let mut run_keys: Vec<Key> = Vec::new();
    let mut run = 0;
    for trace in traces {
        let mut nth = 0;
        for pattern in options.metrics {
            for s in trace
                .series
                .iter()
                .filter(|s| metric_matches(pattern, &s.name))
            {
                let stroke = if trace.ghost || (many && nth > 0) {
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
    let (markers, actions): (&[Marker], &[u64]) = match marked.and_then(|i| traces.get(i)) {
        Some(t) => (&t.markers, t.actions),
        None => (&[], &[]),
    };
    let title = match options.title {
        Some(t) => t.to_string(),
        None => options.metrics.join(", "),
    };
    let chart = Chart {
        title: &title,
        lines,
        legend,
        markers,
        actions,
        scale: options.scale,
        x_range,
        pixel_ratio: options.pixel_ratio,
    };
    draw(area, &chart)
}

/// How a line of `color` is stroked in `stroke` style.
fn stroke_style(color: RGBColor, stroke: Stroke, px: f64) -> ShapeStyle {
    let (alpha, width) = match stroke {
        Stroke::Faint => (0.55, 1.5 * px),
        _ => (1.0, 2.0 * px),
    };
    color.mix(alpha).stroke_width(width.max(1.0) as u32)
}

/// Height of a legend row, in CSS pixels.
const LEGEND_ROW: f64 = 17.0;

/// At most this many legend rows; what does not fit is counted ("+3").
const LEGEND_ROWS: usize = 3;

/// A legend entry placed in the title rows.
struct Placed<'a> {
    /// The entry, or None for the "+n" of entries that did not fit.
    key: Option<Key<'a>>,
    /// Its text ("+n" for the rest).
    text: String,
    /// Left edge.
    x: i32,
    /// Row, from 0.
    row: usize,
}

/// Places the legend (when it has two entries or more): after the title
/// (which ends at `after`) on the first row, leaving the right end free for
/// the page's chart buttons, then on further rows from `left`.
fn place_legend<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[Key<'a>],
    left: i32,
    after: i32,
    px: f64,
) -> Result<Vec<Placed<'a>>, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    if keys.len() < 2 {
        return Ok(Vec::new());
    }
    let font = legend_font(px);
    let width = area.dim_in_pixel().0 as i32;
    let end = |row: usize| {
        width
            - if row == 0 {
                (96.0 * px) as i32
            } else {
                (12.0 * px) as i32
            }
    };
    let sample = (16.0 * px) as i32;
    let gap = (12.0 * px) as i32;
    let mut out = Vec::new();
    let (mut x, mut row) = (after + (16.0 * px) as i32, 0);
    for (i, key) in keys.iter().enumerate() {
        let (w, _) = area.estimate_text_size(key.label, &font).map_err(err)?;
        let item = sample + (4.0 * px) as i32 + w as i32;
        if x + item > end(row) && row + 1 < LEGEND_ROWS && x > left {
            (x, row) = (left, row + 1);
        }
        if x + item > end(row) {
            out.push(Placed {
                key: None,
                text: format!("+{}", keys.len() - i),
                x,
                row,
            });
            break;
        }
        out.push(Placed {
            key: Some(*key),
            text: key.label.to_string(),
            x,
            row,
        });
        x += item + gap;
    }
    Ok(out)
}

fn legend_font(px: f64) -> TextStyle<'static> {
    ("sans-serif", (12.0 * px).round())
        .into_font()
        .color(&MUTED)
}

/// Draws the placed legend entries: a short stroke and a label each.
fn draw_legend<DB: DrawingBackend>(
    head: &DrawingArea<DB, Shift>,
    placed: &[Placed],
    px: f64,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let font = legend_font(px);
    let sample = (16.0 * px) as i32;
    for p in placed {
        let top = (LEGEND_ROW * p.row as f64 * px) as i32;
        let mut x = p.x;
        if let Some(key) = p.key {
            let style = stroke_style(key.color, key.stroke, px);
            let y = top + (13.0 * px) as i32;
            let pts = vec![(x, y), (x + sample, y)];
            head.draw(&PathElement::new(pts, style)).map_err(err)?;
            x += sample + (4.0 * px) as i32;
        }
        head.draw(&Text::new(
            p.text.clone(),
            (x, top + (6.0 * px) as i32),
            font.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::palette::PALETTE;
    use super::*;

    #[test]
    fn decimate_bounds_output_and_keeps_extremes() {
        let steps: Vec<u64> = (0..100_000).collect();
        let mut values: Vec<f64> = steps.iter().map(|&s| (s % 7) as f64).collect();
        values[54_321] = 1e6;
        values[70_000] = f64::NAN;
        let out = decimate(&steps, &values, (0, 99_999), 100);
        assert!(out.len() <= 600, "{}", out.len());
        assert!(out.iter().any(|p| p.1 == 1e6), "the spike survives");
        assert!(out.iter().any(|p| p.1.is_nan()), "the NaN survives");
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn axis_labels_have_the_places_their_spacing_needs() {
        assert_eq!(format_value(0.35, 0.05), "0.35");
        assert_eq!(format_value(0.2171, 0.00002), "0.2171");
        assert_eq!(format_value(0.00105, 0.00005), "0.00105");
        assert_eq!(format_value(0.0009, 0.00005), "9e-4");
        assert_eq!(format_value(150.0, 50.0), "150");
        assert_eq!(format_value(2.5e30, 1e30), "2.5e30");
        assert_eq!(format_value(0.0, 1.0), "0");
        assert_eq!(format_value(-1.5, 0.5), "-1.5");
    }

    #[test]
    fn layer_patterns_match_their_parts_only() {
        assert!(metric_matches("grad_norm/*", "grad_norm/0"));
        assert!(!metric_matches("grad_norm/*", "grad_norm"));
        assert!(!metric_matches("grad_norm/*", "grad_norm_first"));
        assert!(metric_matches("loss", "loss"));
        assert!(!metric_matches("loss", "val_loss"));
    }

    #[test]
    fn decimation_keeps_each_bucket_extremes_like_a_direct_scan() {
        // Irregular steps (a log with gaps) and values with NaNs.
        let steps: Vec<u64> = (0..50_000u64).map(|i| i * 3 + i % 7).collect();
        let values: Vec<f64> = (0..50_000u64)
            .map(|i| match i % 997 {
                0 => f64::NAN,
                _ => libm::sin(i as f64 * 0.37) * (1.0 + (i % 13) as f64),
            })
            .collect();
        let (lo, hi) = (1_000, 120_000);
        let out = decimate(&steps, &values, (lo, hi), 250);
        assert!(out.len() <= 6 * 250);
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0), "in step order");
        let width = (hi - lo) as f64 / 250.0;
        let mut by_bucket: std::collections::BTreeMap<u64, Vec<(u64, f64)>> = Default::default();
        for (&s, &v) in steps.iter().zip(&values) {
            if (lo..=hi).contains(&s) {
                let b = ((s - lo) as f64 / width) as u64;
                by_bucket.entry(b).or_default().push((s, v));
            }
        }
        for points in by_bucket.values() {
            let finite = points.iter().filter(|p| p.1.is_finite());
            let min = finite.clone().map(|p| p.1).fold(f64::INFINITY, f64::min);
            let max = finite.map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
            let first = points[0];
            let last = points[points.len() - 1];
            for want in [first, last] {
                assert!(out.iter().any(|p| p.0 == want.0), "bucket ends kept");
            }
            for v in [min, max].into_iter().filter(|v| v.is_finite()) {
                let kept = out
                    .iter()
                    .any(|p| p.1 == v && p.0 >= first.0 && p.0 <= last.0);
                assert!(kept, "extreme {v} kept");
            }
        }
    }

    #[test]
    fn draws_svg_for_odd_data_without_panicking() {
        let steps: Vec<u64> = (0..50).collect();
        let cases: [Vec<f64>; 4] = [
            steps.iter().map(|&s| 1.0 / (1.0 + s as f64)).collect(),
            vec![3.0; 50],
            steps
                .iter()
                .map(|&s| {
                    if s > 40 {
                        f64::NAN
                    } else {
                        libm::exp(s as f64)
                    }
                })
                .collect(),
            vec![f64::INFINITY; 50],
        ];
        for values in &cases {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
                let lines = vec![Line {
                    steps: &steps,
                    values,
                    color: PALETTE[0],
                    stroke: Stroke::Solid,
                }];
                let markers = [Marker {
                    step: 10,
                    severity: Severity::Critical,
                }];
                let chart = Chart {
                    title: "loss",
                    lines,
                    legend: vec![],
                    markers: &markers,
                    actions: &[3],
                    scale: Scale::Auto,
                    x_range: None,
                    pixel_ratio: 1.0,
                };
                draw(&area, &chart).unwrap();
            }
            assert!(svg.contains("<svg") && svg.contains("loss"));
        }
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
        let chart = Chart {
            title: "empty",
            lines: vec![],
            legend: vec![],
            markers: &[],
            actions: &[],
            scale: Scale::Log,
            x_range: None,
            pixel_ratio: 2.0,
        };
        draw(&area, &chart).unwrap();
    }

    #[test]
    fn tiny_areas_and_long_legends_draw_without_panicking() {
        let steps: Vec<u64> = (0..100).collect();
        let values: Vec<f64> = steps.iter().map(|&s| s as f64).collect();
        let labels: Vec<String> = (0..12)
            .map(|i| format!("a rather long run name {i}"))
            .collect();
        for (w, h) in [(1, 1), (30, 20), (120, 80), (300, 200)] {
            let mut svg = String::new();
            let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            let chart = Chart {
                title: "a title longer than the chart is wide",
                lines: vec![Line {
                    steps: &steps,
                    values: &values,
                    color: PALETTE[0],
                    stroke: Stroke::Solid,
                }],
                legend: labels
                    .iter()
                    .map(|l| Key {
                        label: l,
                        color: PALETTE[2],
                        stroke: Stroke::Faint,
                    })
                    .collect(),
                markers: &[],
                actions: &[],
                scale: Scale::Auto,
                x_range: Some((10, 5)),
                pixel_ratio: 3.0,
            };
            let _ = draw(&area, &chart);
        }
    }

    #[test]
    fn overlays_share_a_plot_and_report_where_it_landed() {
        let steps: Vec<u64> = (0..200).collect();
        let a: Vec<f64> = steps.iter().map(|&s| 1.0 / (1.0 + s as f64)).collect();
        let b: Vec<f64> = steps.iter().map(|&s| 2.0 / (1.0 + s as f64)).collect();
        let mut svg = String::new();
        let plot = {
            let area = SVGBackend::with_string(&mut svg, (600, 300)).into_drawing_area();
            let line = |values, stroke| Line {
                steps: &steps,
                values,
                color: PALETTE[1],
                stroke,
            };
            let key = |label, stroke| Key {
                label,
                color: PALETTE[1],
                stroke,
            };
            let chart = Chart {
                title: "loss",
                lines: vec![
                    line(&a, Stroke::Solid),
                    line(&b, Stroke::Faint),
                    line(&b, Stroke::Faint),
                ],
                legend: vec![
                    key("run 1", Stroke::Solid),
                    key("val_loss", Stroke::Faint),
                    key("without response", Stroke::Faint),
                ],
                markers: &[],
                actions: &[],
                scale: Scale::Linear,
                x_range: Some((50, 150)),
                pixel_ratio: 1.0,
            };
            draw(&area, &chart).unwrap()
        };
        assert_eq!((plot.x0, plot.x1), (50, 150));
        assert!(plot.left > 0 && plot.left < plot.right && plot.right <= 600);
        assert!(plot.top < plot.bottom && plot.bottom <= 300);
        assert!(!plot.log);
        for key in ["run 1", "val_loss", "without response"] {
            assert!(svg.contains(key), "the legend names {key}");
        }
        assert!(
            svg.matches("<polyline").count() >= 3 + 3,
            "three lines and three legend strokes"
        );
    }
}
