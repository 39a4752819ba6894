//! The Evaluate panel's charts, generic over plotters' `DrawingBackend`:
//! lead-time histograms ([`histogram`]) and threshold-sweep curves
//! ([`curves`]). The page describes each chart as a plain object (the
//! structs here, read by serde); tests draw them as SVG.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Deserialize;

use super::palette::{colour, INK, MUTED};

/// One stack of a histogram's bars: a label and its values, coloured by
/// `color` (an index into the chart palette).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Group {
    /// What the group is (a fault), for the page's legend.
    pub label: String,
    /// Palette index of its bars.
    pub color: usize,
    /// The values to count into bins (lead times in steps).
    pub values: Vec<f64>,
}

/// A stacked histogram to draw (the page passes it as a plain object).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Histogram {
    /// Title above the plot.
    pub title: String,
    /// What the value axis measures.
    pub x_label: String,
    /// Stacked in order, bottom first.
    pub groups: Vec<Group>,
    /// The right end of the value axis (default: the largest value), so
    /// that several histograms share one axis.
    pub max: Option<f64>,
    /// About how many bins (default 20).
    pub bins: Option<u32>,
    /// What to write when there are no values.
    pub empty: Option<String>,
    /// Device pixels per CSS pixel, times any text enlargement.
    pub pixel_ratio: Option<f64>,
}

/// One point of a curve; `y` None leaves a gap.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CurvePoint {
    /// Position on the x axis.
    pub x: f64,
    /// Value (None: a gap).
    pub y: Option<f64>,
    /// Written beside the point (when it does not cover another label).
    pub label: Option<String>,
    /// Drawn larger and ringed (a detector's default setting).
    pub mark: bool,
}

/// One curve: a label, a palette colour index and its points in order.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Curve {
    /// What the curve is (a fault).
    pub label: String,
    /// Palette index of its line and points.
    pub color: usize,
    /// Its points, in order.
    pub points: Vec<CurvePoint>,
}

/// Curves of y against x to draw (the page passes them as a plain object).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Curves {
    /// Title above the plot.
    pub title: String,
    /// What the x axis measures.
    pub x_label: String,
    /// What the y axis measures.
    pub y_label: String,
    /// The curves, in drawing order.
    pub curves: Vec<Curve>,
    /// A dashed vertical line at this x (a goal), with its text.
    pub x_goal: Option<(f64, String)>,
    /// What to write when no point has a value.
    pub empty: Option<String>,
    /// Device pixels per CSS pixel, times any text enlargement.
    pub pixel_ratio: Option<f64>,
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
    /// Refuses what cannot be drawn (too many items, values out of range)
    /// with a message.
    pub fn validate(&self) -> Result<(), String> {
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
    /// Refuses what cannot be drawn (too many items, values out of range)
    /// with a message.
    pub fn validate(&self) -> Result<(), String> {
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
pub fn histogram<DB: DrawingBackend>(
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
    super::metric::described_mesh(&mut ctx, label_font, px)
        .disable_x_mesh()
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
pub fn curves<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Curves) -> Result<(), String> {
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
    super::metric::described_mesh(&mut ctx, label_font.clone(), px)
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
