//! The GAN's view of its failure, as GAN Lab draws it: the ring's modes and
//! a sample of its data, the generator's points over them, and behind both
//! the discriminator's verdict on every place of the plane. A mode the
//! generator covers is ringed green, one it misses red: mode collapse shows
//! as the generated points bunched on one or two modes and the ring turning
//! red.
//!
//! [`Ring::of`] computes it from a GAN (read only: no metric, no random
//! draw of the run changes); [`draw_ring`] draws it on any backend.

use ndarray::Array2;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::palette::{tint, INK, MUTED};
use super::view::{fail, Panel};
use crate::rng::Rng;
use crate::trainer::gan::{mode_hits, sample_ring, Gan, COVER_STDS};

/// Cells per side of the discriminator's grid.
pub const RING_GRID: usize = 40;
/// Data points drawn (a fixed sample: the same at every step).
pub const REAL_POINTS: usize = 200;
/// Generated points drawn (the first of the evaluation's sample).
pub const FAKE_POINTS: usize = 256;

/// The colour of the data (GAN Lab's green).
const REAL: RGBColor = RGBColor(0x16, 0xa3, 0x4a);
/// The colour of generated points (GAN Lab's purple).
const FAKE: RGBColor = RGBColor(0x7c, 0x3a, 0xed);
/// A missed mode's ring.
const MISSED: RGBColor = RGBColor(0xdc, 0x26, 0x26);

/// One view of a GAN at a step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
// Unknown fields are let through: the page's copy carries the `learner` tag.
#[serde(default)]
pub struct Ring {
    /// The steps taken when it was computed.
    pub step: u64,
    /// Cells per side of the grid.
    pub size: usize,
    /// The plane shown: `[x0, x1, y0, y1]`.
    pub extent: [f64; 4],
    /// The discriminator's probability that a point is real at each cell's
    /// centre, row by row from the bottom, `size * size` values.
    pub grid: Vec<f32>,
    /// A fixed sample of the data: x, y pairs.
    pub real: Vec<f32>,
    /// The generator's points: x, y pairs.
    pub fake: Vec<f32>,
    /// The modes' centres: x, y pairs.
    pub centres: Vec<f32>,
    /// Whether the generator covers each mode (as `modes_covered` counts).
    pub covered: Vec<bool>,
    /// The radius a generated point must be within to count for a mode.
    pub near: f64,
}

impl Ring {
    /// The view of `gan` now.
    pub fn of(gan: &Gan) -> Ring {
        let config = &gan.config;
        let r = (config.radius + 4.0 * config.data_std) * 1.15;
        let size = RING_GRID;
        let cell = 2.0 * r / size as f64;
        let centres = Array2::from_shape_fn((size * size, 2), |(i, c)| {
            let k = if c == 0 { i % size } else { i / size };
            -r + (k as f64 + 0.5) * cell
        });
        let logits = gan.discriminator.forward(centres.view()).logits().clone();
        let grid = logits
            .iter()
            .map(|&s| (1.0 / (1.0 + libm::exp(-s))) as f32)
            .collect();
        let generated = gan.generate_eval();
        let pairs = |m: &Array2<f64>, n: usize| -> Vec<f32> {
            (m.rows().into_iter().take(n))
                .flat_map(|p| [p[0] as f32, p[1] as f32])
                .collect()
        };
        // Its own stream: the run's draws are untouched.
        let real = sample_ring(config, REAL_POINTS, &mut Rng::derive(config.seed, 91));
        Ring {
            step: gan.step,
            size,
            extent: [-r, r, -r, r],
            grid,
            real: pairs(&real, REAL_POINTS),
            fake: pairs(&generated, FAKE_POINTS),
            centres: (0..config.modes)
                .flat_map(|i| {
                    let (x, y) = config.mode_centre(i);
                    [x as f32, y as f32]
                })
                .collect(),
            covered: mode_hits(config, &generated),
            near: COVER_STDS * config.data_std,
        }
    }

    /// Modes covered.
    pub fn modes_covered(&self) -> usize {
        self.covered.iter().filter(|&&c| c).count()
    }
}

/// The colour of a cell where the discriminator says "real" with
/// probability `p`: green where it believes real, purple where it believes
/// generated, white where it cannot tell (10 tints a side).
fn cell_color(p: f32) -> RGBColor {
    if !p.is_finite() {
        return RGBColor(0x6b, 0x72, 0x80);
    }
    let v = 2.0 * f64::from(p) - 1.0;
    let c = if v > 0.0 { REAL } else { FAKE };
    tint(c, 0.35 * libm::round(10.0 * v.abs()) / 10.0)
}

/// Draws `ring` on `area`: the plane in a square on the left (the
/// discriminator's verdict as background, the data green, the generated
/// points purple, each mode ringed by whether it is covered); on the right a
/// title, the key and what stands out.
pub fn draw_ring<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ring: &Ring,
    pixel_ratio: f64,
) -> Result<(), String> {
    let mut panel = Panel::new(area, pixel_ratio)?;
    let (x0, y0, side, px) = (panel.x0, panel.y0, panel.side, panel.px);
    let size = ring.size;
    let [ex0, ex1, ey0, ey1] = ring.extent;
    let valid = size >= 2
        && ring.grid.len() == size * size
        && ex1 > ex0
        && ey1 > ey0
        && ring.extent.iter().all(|v| v.is_finite())
        && ring.centres.len() == 2 * ring.covered.len();
    panel.say(
        area,
        &format!("Generator on the ring · step {}", ring.step),
        14.0,
        &INK,
    )?;
    if !valid {
        panel.say(area, "No view yet: start training.", 12.0, &MUTED)?;
        return Ok(());
    }

    let cell = f64::from(side) / size as f64;
    for row in 0..size {
        let top = y0 + ((size - 1 - row) as f64 * cell).floor() as i32;
        let bottom = y0 + ((size - row) as f64 * cell).ceil() as i32;
        for col in 0..size {
            let left = x0 + (col as f64 * cell).floor() as i32;
            let right = x0 + ((col + 1) as f64 * cell).ceil() as i32;
            let color = cell_color(ring.grid[row * size + col]);
            area.draw(&Rectangle::new(
                [(left, top), (right, bottom)],
                color.filled(),
            ))
            .map_err(fail)?;
        }
    }
    panel.frame(area)?;

    let scale = f64::from(side) / (ex1 - ex0);
    let to_px = |x: f32, y: f32| -> Option<(i32, i32)> {
        let (x, y) = (f64::from(x), f64::from(y));
        let cx = x0 + ((x - ex0) * scale).round() as i32;
        let cy = y0 + ((ey1 - y) * scale).round() as i32;
        let inside = x.is_finite()
            && y.is_finite()
            && (x0..=x0 + side).contains(&cx)
            && (y0..=y0 + side).contains(&cy);
        inside.then_some((cx, cy))
    };
    let dot = (2.0 * px).round().max(1.0) as i32;
    for p in ring.real.chunks_exact(2) {
        if let Some(c) = to_px(p[0], p[1]) {
            area.draw(&Circle::new(c, dot, REAL.mix(0.55).filled()))
                .map_err(fail)?;
        }
    }
    let near = (ring.near * scale).round().max(2.0) as i32;
    let width = (1.5 * px).round().max(1.0) as u32;
    for (c, &covered) in ring.centres.chunks_exact(2).zip(&ring.covered) {
        if let Some(c) = to_px(c[0], c[1]) {
            let color = if covered { REAL } else { MISSED };
            area.draw(&Circle::new(c, near, color.stroke_width(width)))
                .map_err(fail)?;
        }
    }
    let mut outside = 0;
    for p in ring.fake.chunks_exact(2) {
        match to_px(p[0], p[1]) {
            Some(c) => area
                .draw(&Circle::new(c, dot, FAKE.filled()))
                .map_err(fail)?,
            None => outside += 1,
        }
    }

    panel.gap(4.0);
    let r = dot;
    let at = |(x, y): (i32, i32)| (x + (5.0 * px) as i32, y + (7.0 * px) as i32);
    let modes = ring.covered.len();
    panel.key(area, &format!("data: {modes} Gaussians on a ring"), |b| {
        area.draw(&Circle::new(at(b), r, REAL.filled()))
            .map_err(fail)
    })?;
    panel.key(area, "generated points", |b| {
        area.draw(&Circle::new(at(b), r, FAKE.filled()))
            .map_err(fail)
    })?;
    let ring_key = |color: RGBColor| {
        move |b| {
            area.draw(&Circle::new(at(b), r + 3, color.stroke_width(width)))
                .map_err(fail)
        }
    };
    panel.key(area, "mode covered", ring_key(REAL))?;
    panel.key(area, "mode missed", ring_key(MISSED))?;
    panel.say(
        area,
        "Background: where the discriminator says",
        11.0,
        &MUTED,
    )?;
    panel.say(area, "real (green) or generated (purple).", 11.0, &MUTED)?;
    panel.gap(6.0);
    let covered = ring.modes_covered();
    let (lead, rest, color) = if covered == modes {
        (
            format!("Covers all {modes} modes:"),
            "the generator draws the whole ring.",
            INK,
        )
    } else if covered * 4 >= modes * 3 {
        (
            format!("Covers {covered} of {modes} modes:"),
            "nearly the whole ring (healthy runs",
            INK,
        )
    } else if covered * 4 <= modes {
        (
            format!("Mode collapse: {covered} of {modes} modes."),
            "Its points bunch together, away from most modes.",
            MISSED,
        )
    } else {
        (
            format!("Covers {covered} of {modes} modes:"),
            "part of the ring is missing.",
            INK,
        )
    };
    panel.say(area, &lead, 12.0, &color)?;
    panel.say(area, rest, 12.0, &color)?;
    if covered < modes && covered * 4 >= modes * 3 {
        panel.say(area, "drop and regain a mode as they train).", 12.0, &color)?;
    }
    if outside > 0 {
        panel.say(
            area,
            &format!("{outside} generated points fall outside the frame."),
            11.0,
            &MUTED,
        )?;
    }
    Ok(())
}
