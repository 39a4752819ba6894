//! An agent's reward over-optimization, on the axis of Gao et al. (2022),
//! "Scaling Laws for Reward Model Overoptimization": the proxy reward it is
//! trained on and its true quality, against how far training has moved the
//! policy, the KL divergence from its initial policy.
//!
//! [`KlCurve::of`] reads the run's own metrics (no new draw, nothing of the
//! run changes): at each point of `kl_from_init` (the evaluation cadence),
//! the held-out true quality `eval_quality` of the same step and the mean
//! proxy `reward` of the steps since the previous point. [`draw_kl`] draws
//! it on any backend.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::metric::described_mesh;
use super::palette::{AXIS, INK, MUTED, PALETTE};
use super::view::Sheet;
use crate::metrics::names;
use crate::monitor::History;

/// The most points a curve keeps (evenly spaced over the run, the last
/// one always kept).
pub const KL_POINTS: usize = 400;

/// The colour of the true quality.
const QUALITY: RGBColor = PALETTE[0];
/// The colour of the proxy reward.
const PROXY: RGBColor = PALETTE[2];

/// The proxy reward and true quality against KL, one point per evaluation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KlCurve {
    /// The step of each point.
    pub steps: Vec<u64>,
    /// KL divergence from the initial policy (nats).
    pub kl: Vec<f32>,
    /// Mean proxy reward of the steps since the previous point.
    pub reward: Vec<f32>,
    /// Held-out true quality (0 to 1).
    pub quality: Vec<f32>,
    /// The step a fault took effect, if one did.
    pub onset: Option<u64>,
}

impl KlCurve {
    /// The curve of a run's `history`; `onset` the step its fault took
    /// effect. Points whose values are not finite are left out.
    pub fn of(history: &History, onset: Option<u64>) -> KlCurve {
        let mut curve = KlCurve {
            onset,
            ..KlCurve::default()
        };
        let (Some(kl), Some(quality)) = (
            history.get(names::KL_FROM_INIT),
            history.get(names::EVAL_QUALITY),
        ) else {
            return curve;
        };
        let reward = history.get(names::REWARD);
        let n = kl.steps.len().min(kl.values.len());
        let stride = n.div_ceil(KL_POINTS).max(1);
        let mut after: Option<u64> = None;
        for i in (0..n).filter(|i| (n - 1 - i) % stride == 0) {
            let step = kl.steps[i];
            let from = after.map_or(step, |a| a + 1);
            after = Some(step);
            let q = quality
                .steps
                .binary_search(&step)
                .ok()
                .and_then(|j| quality.values.get(j).copied());
            let r = reward.and_then(|r| {
                let lo = r.steps.partition_point(|&s| s < from);
                let hi = r.steps.partition_point(|&s| s <= step);
                let v = r.values.get(lo..hi.max(lo))?;
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            });
            let (Some(q), Some(r)) = (q, r) else { continue };
            if ![kl.values[i], q, r].iter().all(|v| v.is_finite()) {
                continue;
            }
            curve.steps.push(step);
            curve.kl.push(kl.values[i] as f32);
            curve.reward.push(r as f32);
            curve.quality.push(q as f32);
        }
        curve
    }

    /// The points, as (step, kl, reward, quality), of a well-formed curve
    /// (empty when its lists differ in length or hold a non-finite value).
    pub fn points(&self) -> Vec<(u64, f64, f64, f64)> {
        let n = self.steps.len();
        if self.kl.len() != n || self.reward.len() != n || self.quality.len() != n {
            return Vec::new();
        }
        let points: Vec<_> = (0..n)
            .map(|i| {
                let f = |v: f32| f64::from(v);
                (
                    self.steps[i],
                    f(self.kl[i]),
                    f(self.reward[i]),
                    f(self.quality[i]),
                )
            })
            .collect();
        if points
            .iter()
            .all(|p| [p.1, p.2, p.3].iter().all(|v| v.is_finite()))
        {
            points
        } else {
            Vec::new()
        }
    }
}

/// What the curve says in words: the true quality's peak and where it is
/// now, the proxy at the start and now.
fn summary(points: &[(u64, f64, f64, f64)], onset: Option<u64>) -> Vec<String> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    let peak = points
        .iter()
        .fold(first, |best, p| if p.3 > best.3 { p } else { best });
    let most_kl = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let mut out = vec![
        "True quality (held-out)".to_string(),
        format!("  peak {:.2} at KL {:.2}", peak.3, peak.1),
        format!("  (step {})", peak.0),
        format!("  now {:.2} at KL {:.2}", last.3, last.1),
        "Proxy reward (trained on)".to_string(),
        format!("  {:.2} at KL {:.2},", first.2, first.1),
        format!("  {:.2} at the peak,", peak.2),
        format!("  {:.2} now", last.2),
        format!("Most KL so far: {most_kl:.2}"),
    ];
    if let Some(s) = onset {
        out.push(format!("Fault on at step {s}"));
    }
    out
}

/// Draws `curve` (of a run at `step`) on `area`: true quality (left axis)
/// and proxy reward (right axis) against KL from the initial policy, each
/// a line through its points in step order, the true quality's peak and
/// the fault's onset marked, and the figures on the right.
pub fn draw_kl<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curve: &KlCurve,
    step: u64,
    pixel_ratio: f64,
) -> Result<(), String> {
    let sheet = Sheet::begin(area, pixel_ratio)?;
    let err = Sheet::<DB>::err;
    let (pad, px) = (sheet.pad, sheet.px);
    sheet.text(
        &format!("Proxy reward and true quality against KL from the initial policy · step {step}"),
        14.0,
        &INK,
        (pad, pad),
    )?;
    let points = curve.points();
    let top = pad + sheet.at(22.0);
    // The key: a swatch and a label each; the fault's onset a thin line.
    let onset = curve
        .onset
        .and_then(|s| points.iter().find(|p| p.0 >= s).map(|p| (s, p.1)));
    let onset_label = onset.map(|(s, _)| format!("fault on (step {s})"));
    let mut kx = pad;
    for (color, label, thin) in [
        (QUALITY, "true quality (held-out, left axis)", false),
        (PROXY, "proxy reward (trained on, right axis)", false),
    ]
    .into_iter()
    .chain(onset_label.as_deref().map(|l| (MUTED, l, true)))
    {
        let (s, y) = (sheet.at(12.0), top + sheet.at(6.5));
        let half = if thin { 0 } else { sheet.at(1.5) };
        if thin {
            area.draw(&PathElement::new(
                vec![
                    (kx + s / 2, top + sheet.at(1.0)),
                    (kx + s / 2, top + sheet.at(12.0)),
                ],
                MUTED.stroke_width(1),
            ))
        } else {
            area.draw(&Rectangle::new(
                [(kx, y - half), (kx + s, y + half)],
                color.filled(),
            ))
        }
        .map_err(err)?;
        sheet.text(label, 11.0, &INK, (kx + s + sheet.at(4.0), top))?;
        kx += s + sheet.at(4.0 + 5.2 * label.len() as f64 + 16.0);
    }
    let body_top = top + sheet.at(18.0);
    if points.len() < 2 {
        return sheet.text(
            "No curve yet: start training (a point every evaluation, 10 steps).",
            11.0,
            &MUTED,
            (pad, body_top),
        );
    }
    // The figures on the right when there is room for them.
    let notes_w = sheet.at(170.0);
    let show_notes = sheet.w - notes_w > sheet.at(300.0);
    let plot_right = if show_notes {
        sheet.w - notes_w - pad
    } else {
        sheet.w - pad
    };
    let body = area.margin(
        body_top as u32,
        pad as u32,
        pad as u32,
        (sheet.w - plot_right).max(0) as u32,
    );
    let max_kl = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let x1 = (max_kl * 1.05).max(0.1);
    let (lo, hi) = points
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), p| (lo.min(p.2), hi.max(p.2)));
    let (r0, r1) = (lo * 1.05, (hi * 1.05).max(lo * 1.05 + 0.1));
    let mut ctx = ChartBuilder::on(&body)
        .margin_right(sheet.at(4.0) as u32)
        .x_label_area_size(sheet.at(34.0) as u32)
        .y_label_area_size(sheet.at(40.0) as u32)
        .right_y_label_area_size(sheet.at(40.0) as u32)
        .build_cartesian_2d(0.0..x1, 0.0..1.05)
        .map_err(err)?
        .set_secondary_coord(0.0..x1, r0..r1);
    let labels = sheet.font(11.0).color(&MUTED);
    let fmt = |v: &f64| format!("{v:.1}");
    described_mesh(&mut ctx, labels.clone(), px)
        .x_desc("KL divergence from the initial policy (nats)")
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .draw()
        .map_err(err)?;
    ctx.configure_secondary_axes()
        .axis_style(AXIS)
        .label_style(labels.color(&PROXY))
        .y_labels(6)
        .y_label_formatter(&fmt)
        .draw()
        .map_err(err)?;
    let width = (2.0 * px).max(1.0) as u32;
    let dot = (2.5 * px).max(1.0) as i32;
    // The fault's onset: a thin line at the KL of its first point.
    if let Some((_, kl)) = onset {
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(kl, 0.0), (kl, 1.05)],
            MUTED.mix(0.6).stroke_width(1),
        )))
        .map_err(err)?;
    }
    ctx.draw_secondary_series(LineSeries::new(
        points.iter().map(|p| (p.1, p.2)),
        PROXY.stroke_width(width),
    ))
    .map_err(err)?;
    ctx.draw_secondary_series(
        points
            .iter()
            .map(|p| Circle::new((p.1, p.2), dot, PROXY.filled())),
    )
    .map_err(err)?;
    ctx.draw_series(LineSeries::new(
        points.iter().map(|p| (p.1, p.3)),
        QUALITY.stroke_width(width),
    ))
    .map_err(err)?;
    ctx.draw_series(
        points
            .iter()
            .map(|p| Circle::new((p.1, p.3), dot, QUALITY.filled())),
    )
    .map_err(err)?;
    // The true quality's peak, ringed.
    if let Some(peak) =
        points
            .iter()
            .fold(None, |best: Option<&(u64, f64, f64, f64)>, p| match best {
                Some(b) if b.3 >= p.3 => Some(b),
                _ => Some(p),
            })
    {
        ctx.draw_series(std::iter::once(Circle::new(
            (peak.1, peak.3),
            3 * dot,
            INK.stroke_width(width),
        )))
        .map_err(err)?;
    }
    if show_notes {
        let x = plot_right + sheet.at(16.0);
        let mut y = body_top;
        for line in summary(&points, curve.onset) {
            let bold = !line.starts_with(' ');
            sheet.text(&line, 11.0, if bold { &INK } else { &MUTED }, (x, y))?;
            y += sheet.at(if bold { 16.0 } else { 14.0 });
        }
    }
    area.present().map_err(err)
}
