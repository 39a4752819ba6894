//! Charts of metric series, generic over plotters' `DrawingBackend`: the
//! browser draws on a canvas, tests draw SVG natively.
//!
//! Long series are min/max-decimated to about two points per pixel column,
//! so a frame costs the same for a thousand points or a million.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::detectors::Severity;

/// One line on a chart.
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Step of each point.
    pub steps: &'a [u64],
    /// Value of each point; non-finite values break the line and are marked.
    pub values: &'a [f64],
    /// Line colour.
    pub color: RGBColor,
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
    /// Finding markers.
    pub markers: &'a [Marker],
    /// Value axis scale.
    pub scale: Scale,
    /// Visible step range (None: the whole run).
    pub x_range: Option<(u64, u64)>,
    /// Device pixels per CSS pixel, to size text and lines.
    pub pixel_ratio: f64,
}

/// The colour of a severity, shared by charts and page.
pub fn severity_color(s: Severity) -> RGBColor {
    match s {
        Severity::Info => RGBColor(0x25, 0x63, 0xeb),
        Severity::Warning => RGBColor(0xd9, 0x77, 0x06),
        Severity::Critical => RGBColor(0xdc, 0x26, 0x26),
    }
}

/// The line colours, in order.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0x0f, 0x76, 0x6e),
    RGBColor(0x7c, 0x3a, 0xed),
    RGBColor(0xdb, 0x27, 0x77),
    RGBColor(0x25, 0x63, 0xeb),
    RGBColor(0x65, 0xa3, 0x0d),
    RGBColor(0x92, 0x40, 0x0e),
];

/// Keeps, for each of `buckets` equal step ranges of `range`, the first,
/// minimum, maximum and last points, in step order. Non-finite values are kept
/// (as gaps). Output size is at most 4 * buckets whatever the input size.
pub fn decimate(
    steps: &[u64],
    values: &[f64],
    range: (u64, u64),
    buckets: usize,
) -> Vec<(u64, f64)> {
    let (lo, hi) = range;
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
    while i < end {
        let b = ((steps[i] - lo) as f64 / width) as u64;
        let mut j = i;
        let (mut min_i, mut max_i) = (usize::MAX, usize::MAX);
        let mut bad = Vec::new();
        while j < end && ((steps[j] - lo) as f64 / width) as u64 == b {
            let v = values[j];
            if v.is_finite() {
                if min_i == usize::MAX || v < values[min_i] {
                    min_i = j;
                }
                if max_i == usize::MAX || v > values[max_i] {
                    max_i = j;
                }
            } else if bad.len() < 2 {
                bad.push(j);
            }
            j += 1;
        }
        let mut keep = vec![i, j - 1];
        keep.extend([min_i, max_i].iter().filter(|&&k| k != usize::MAX));
        keep.extend(bad);
        keep.sort_unstable();
        keep.dedup();
        out.extend(keep.into_iter().map(|k| (steps[k], values[k])));
        i = j;
    }
    out
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

fn format_value(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e4).contains(&a) {
        format!("{v:.0e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{:.3}", v)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// Draws `chart` on `area`. Never panics on any data: empty, constant or
/// non-finite series give an empty but framed chart.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let px = chart.pixel_ratio.clamp(0.5, 4.0);
    let font = |size: f64| ("sans-serif", (size * px) as u32).into_font();
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
        .unwrap_or((first_step, last_step.max(first_step + 1)));
    let x1 = x1.max(x0 + 1);
    let buckets = (area.dim_in_pixel().0 as usize / 2).max(16);
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
    let pad = ((y1 - y0) * 0.05).max(if log { 0.1 } else { 1e-9 * y1.abs().max(1e-9) });
    let (y0, y1) = (y0 - pad, y1 + pad);

    let mut ctx = ChartBuilder::on(area)
        .caption(chart.title, font(14.0))
        .margin((8.0 * px) as u32)
        .x_label_area_size((22.0 * px) as u32)
        .y_label_area_size((52.0 * px) as u32)
        .build_cartesian_2d(x0 as f64..x1 as f64, y0..y1)
        .map_err(err)?;
    let y_fmt = |v: &f64| {
        if log {
            format_value(libm::pow(10.0, *v))
        } else {
            format_value(*v)
        }
    };
    let x_fmt = |v: &f64| format!("{}", *v as u64);
    ctx.configure_mesh()
        .light_line_style(RGBColor(0xf1, 0xf5, 0xf9))
        .bold_line_style(RGBColor(0xe2, 0xe8, 0xf0))
        .label_style(font(11.0))
        .x_labels(6)
        .y_labels(5)
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
            .mix(0.8)
            .stroke_width((2.0 * px) as u32);
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(m.step as f64, y0), (m.step as f64, y1)],
            style,
        )))
        .map_err(err)?;
    }

    for (line, pts) in chart.lines.iter().zip(&points) {
        let style = line.color.stroke_width((2.0 * px).max(1.0) as u32);
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
    if chart.lines.len() > 1 {
        for (i, line) in chart.lines.iter().enumerate() {
            let y = (30.0 + 16.0 * i as f64) * px;
            let x = area.dim_in_pixel().0 as f64 - 140.0 * px;
            area.draw(&Text::new(
                line.label.to_string(),
                (x as i32, y as i32),
                font(11.0).color(&line.color),
            ))
            .map_err(err)?;
        }
    }
    area.present().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimate_bounds_output_and_keeps_extremes() {
        let steps: Vec<u64> = (0..100_000).collect();
        let mut values: Vec<f64> = steps.iter().map(|&s| (s % 7) as f64).collect();
        values[54_321] = 1e6;
        values[70_000] = f64::NAN;
        let out = decimate(&steps, &values, (0, 99_999), 100);
        assert!(out.len() <= 400, "{}", out.len());
        assert!(out.iter().any(|p| p.1 == 1e6), "the spike survives");
        assert!(out.iter().any(|p| p.1.is_nan()), "the NaN survives");
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
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
                    label: "loss",
                    steps: &steps,
                    values,
                    color: PALETTE[0],
                }];
                let markers = [Marker {
                    step: 10,
                    severity: Severity::Critical,
                }];
                let chart = Chart {
                    title: "loss",
                    lines,
                    markers: &markers,
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
            markers: &[],
            scale: Scale::Log,
            x_range: None,
            pixel_ratio: 2.0,
        };
        draw(&area, &chart).unwrap();
    }
}
