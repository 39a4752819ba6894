//! The classifier's view of its failure: the training points (flipped
//! labels, leaked and removed points marked) over the network's decision
//! surface, a grid of its output, as TensorFlow Playground draws it.
//!
//! [`Surface::of`] computes it from a trainer (read only: no metric, no
//! random draw changes); [`draw_surface`] draws it on any backend.

use std::collections::{HashMap, HashSet};

use ndarray::Array2;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::palette::{tint, INK, MUTED};
use super::view::{fail, Panel};
use crate::trainer::data::side_class;
use crate::trainer::Trainer;

/// Cells per side of the grid.
pub const GRID_SIZE: usize = 48;

/// What a point of the view is, as the fourth number of its entry.
pub mod mark {
    /// A training point as generated.
    pub const CLEAN: f32 = 0.0;
    /// A training point whose label a fault flipped.
    pub const FLIPPED: f32 = 1.0;
    /// A validation point a fault leaked into training.
    pub const LEAKED: f32 = 2.0;
    /// A generated training point a fault removed from training.
    pub const REMOVED: f32 = 3.0;
}

/// The colour of class 0 (blue) and class 1 (orange), as the Playground.
pub const CLASS_COLORS: [RGBColor; 2] = [RGBColor(0x08, 0x77, 0xbd), RGBColor(0xf5, 0x93, 0x22)];

/// The colour of cells whose output is not a number.
const NAN_COLOR: RGBColor = RGBColor(0x6b, 0x72, 0x80);
/// The ring of a flipped or leaked point.
const ALERT_COLOR: RGBColor = RGBColor(0xdc, 0x26, 0x26);

/// One view of a classifier: its decision surface and its data at a step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
// Unknown fields are let through: the page's copy carries the `learner` tag.
#[serde(default)]
pub struct Surface {
    /// The steps taken when it was computed.
    pub step: u64,
    /// Cells per side of the grid.
    pub size: usize,
    /// The plane shown: `[x0, x1, y0, y1]`.
    pub extent: [f64; 4],
    /// The network's margin (logit of class 1 minus logit of class 0) at
    /// each cell's centre, row by row from the bottom (`y0`), `size * size`
    /// values; NaN where the output is not a number.
    pub grid: Vec<f32>,
    /// The points, four numbers each: x, y, label (as trained on), and its
    /// [`mark`]. Each distinct point once.
    pub points: Vec<f32>,
}

/// How many points of each [`mark`] a surface has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Clean training points.
    pub clean: usize,
    /// Flipped labels.
    pub flipped: usize,
    /// Leaked validation points (distinct).
    pub leaked: usize,
    /// Removed training points.
    pub removed: usize,
}

fn key(x: f64, y: f64) -> (u64, u64) {
    (x.to_bits(), y.to_bits())
}

impl Surface {
    /// The view of `trainer` now, on a `size` x `size` grid (2 to 256).
    pub fn of(trainer: &Trainer, size: usize) -> Surface {
        let size = size.clamp(2, 256);
        let original = trainer.original_data();
        // The plane: every generated point with a margin, square, centred.
        let reach = (original.train.x.iter())
            .chain(original.val.x.iter())
            .filter(|v| v.is_finite())
            .fold(1.0f64, |m, v| m.max(v.abs()));
        let r = reach * 1.1;
        let extent = [-r, r, -r, r];

        let cell = 2.0 * r / size as f64;
        let centres = Array2::from_shape_fn((size * size, 2), |(i, c)| {
            let (row, col) = (i / size, i % size);
            let k = if c == 0 { col } else { row };
            -r + (k as f64 + 0.5) * cell
        });
        let fwd = trainer.mlp.forward(centres.view());
        let logits = fwd.logits();
        let grid = (logits.rows().into_iter())
            .map(|l| {
                let m = l.get(1).copied().unwrap_or(0.0) - l.get(0).copied().unwrap_or(0.0);
                m as f32
            })
            .collect();

        // Each point of the training split, compared with the generated data.
        let mut train_label = HashMap::new();
        for (row, &y) in original.train.x.rows().into_iter().zip(&original.train.y) {
            train_label.entry(key(row[0], row[1])).or_insert(y);
        }
        let val: HashSet<_> = (original.val.x.rows().into_iter())
            .map(|row| key(row[0], row[1]))
            .collect();
        let mut present = HashSet::new();
        let mut seen = HashSet::new();
        let mut points = Vec::new();
        let train = &trainer.data.train;
        for (row, &y) in train.x.rows().into_iter().zip(&train.y) {
            let k = key(row[0], row[1]);
            present.insert(k);
            if !seen.insert((k, y)) {
                continue;
            }
            let m = match train_label.get(&k) {
                Some(&orig) if orig != y => mark::FLIPPED,
                Some(_) => mark::CLEAN,
                None if val.contains(&k) => mark::LEAKED,
                None => mark::CLEAN,
            };
            points.extend([row[0] as f32, row[1] as f32, y as f32, m]);
        }
        for (row, &y) in original.train.x.rows().into_iter().zip(&original.train.y) {
            if !present.contains(&key(row[0], row[1])) {
                points.extend([row[0] as f32, row[1] as f32, y as f32, mark::REMOVED]);
            }
        }
        Surface {
            step: trainer.step,
            size,
            extent,
            grid,
            points,
        }
    }

    /// How many points of each kind it shows.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for p in self.points.chunks_exact(4) {
            match p[3] {
                m if m == mark::FLIPPED => c.flipped += 1,
                m if m == mark::LEAKED => c.leaked += 1,
                m if m == mark::REMOVED => c.removed += 1,
                _ => c.clean += 1,
            }
        }
        c
    }

    /// What the surface as a whole says, if anything stands out: not a
    /// number, or flat (the same answer everywhere).
    pub fn state(&self) -> SurfaceState {
        let finite: Vec<f32> = self
            .grid
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        if self.grid.is_empty() {
            return SurfaceState::Empty;
        }
        if finite.len() * 2 < self.grid.len() {
            return SurfaceState::NotANumber;
        }
        let lo = finite.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = finite.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if hi - lo < 1e-4 * (1.0 + hi.abs().max(lo.abs())) {
            SurfaceState::Flat
        } else {
            SurfaceState::Shaped
        }
    }
}

/// What a surface as a whole says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurfaceState {
    /// No grid.
    Empty,
    /// A shape: the network tells places apart.
    Shaped,
    /// The same output everywhere (dead units, a network that gave up).
    Flat,
    /// Mostly not a number (a diverged run).
    NotANumber,
}

/// The colour of a cell with margin `m`.
fn cell_color(m: f32) -> RGBColor {
    if !m.is_finite() {
        return NAN_COLOR;
    }
    let v = libm::tanh(f64::from(m));
    let class = usize::from(v > 0.0);
    // 20 tints per class.
    tint(
        CLASS_COLORS[class],
        0.8 * libm::round(20.0 * v.abs()) / 20.0,
    )
}

/// Draws `surface` on `area`: the grid as a heatmap in a square on the left,
/// the points over it, and on the right a title, the key and what stands
/// out. `pixel_ratio` scales text and marks.
pub fn draw_surface<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    surface: &Surface,
    pixel_ratio: f64,
) -> Result<(), String> {
    let err = fail::<DB::ErrorType>;
    let mut panel = Panel::new(area, pixel_ratio)?;
    let (x0, y0, side, px) = (panel.x0, panel.y0, panel.side, panel.px);
    let size = surface.size;
    let [ex0, ex1, ey0, ey1] = surface.extent;
    let valid = size >= 2
        && surface.grid.len() == size * size
        && ex1 > ex0
        && ey1 > ey0
        && surface.extent.iter().all(|v| v.is_finite());
    panel.say(
        area,
        &format!("Decision surface · step {}", surface.step),
        14.0,
        &INK,
    )?;
    if !valid {
        panel.say(area, "No surface yet: start training.", 12.0, &MUTED)?;
        return Ok(());
    }

    // The heatmap: each row's runs of one colour as one rectangle (the
    // tints are quantised), so a smooth surface costs a few hundred fills.
    let cell = f64::from(side) / size as f64;
    for row in 0..size {
        let top = y0 + ((size - 1 - row) as f64 * cell).floor() as i32;
        let bottom = y0 + ((size - row) as f64 * cell).ceil() as i32;
        let mut col = 0;
        while col < size {
            let color = cell_color(surface.grid[row * size + col]);
            let mut end = col + 1;
            while end < size && cell_color(surface.grid[row * size + end]) == color {
                end += 1;
            }
            let left = x0 + (col as f64 * cell).floor() as i32;
            let right = x0 + (end as f64 * cell).ceil() as i32;
            area.draw(&Rectangle::new(
                [(left, top), (right, bottom)],
                color.filled(),
            ))
            .map_err(err)?;
            col = end;
        }
    }
    panel.frame(area)?;

    // The points: removed ones first (under), then clean, then the marked.
    let to_px = |x: f32, y: f32| {
        let fx = (f64::from(x) - ex0) / (ex1 - ex0);
        let fy = (f64::from(y) - ey0) / (ey1 - ey0);
        (
            x0 + (fx * f64::from(side)).round() as i32,
            y0 + ((1.0 - fy) * f64::from(side)).round() as i32,
        )
    };
    let r = (2.6 * px).round().max(1.0) as i32;
    for pass in [mark::REMOVED, mark::CLEAN, mark::LEAKED, mark::FLIPPED] {
        for p in surface.points.chunks_exact(4) {
            if p[3] != pass || !p[0].is_finite() || !p[1].is_finite() {
                continue;
            }
            let (cx, cy) = to_px(p[0], p[1]);
            if cx < x0 || cx > x0 + side || cy < y0 || cy > y0 + side {
                continue;
            }
            let color = CLASS_COLORS[usize::from(p[2] > 0.5)];
            match pass {
                m if m == mark::REMOVED => {
                    area.draw(&Circle::new((cx, cy), r, color.mix(0.7).stroke_width(1)))
                        .map_err(err)?;
                }
                m if m == mark::LEAKED => {
                    let d = r + 1;
                    area.draw(&Polygon::new(
                        vec![(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)],
                        color.filled(),
                    ))
                    .map_err(err)?;
                    area.draw(&PathElement::new(
                        vec![
                            (cx, cy - d),
                            (cx + d, cy),
                            (cx, cy + d),
                            (cx - d, cy),
                            (cx, cy - d),
                        ],
                        INK.stroke_width(1),
                    ))
                    .map_err(err)?;
                }
                m if m == mark::FLIPPED => {
                    area.draw(&Circle::new((cx, cy), r, color.filled()))
                        .map_err(err)?;
                    area.draw(&Circle::new(
                        (cx, cy),
                        r + (1.5 * px).round() as i32,
                        ALERT_COLOR.stroke_width((1.5 * px).round().max(1.0) as u32),
                    ))
                    .map_err(err)?;
                }
                _ => {
                    area.draw(&Circle::new((cx, cy), r, color.filled()))
                        .map_err(err)?;
                    area.draw(&Circle::new((cx, cy), r, WHITE.stroke_width(1)))
                        .map_err(err)?;
                }
            }
        }
    }

    // The key and what stands out.
    let counts = surface.counts();
    panel.gap(4.0);
    let key = |(x, y): (i32, i32), kind: f32, class: usize| {
        let c = (x + (5.0 * px) as i32, y + (7.0 * px) as i32);
        let color = CLASS_COLORS[class];
        let res = match kind {
            k if k == mark::FLIPPED => {
                area.draw(&Circle::new(c, r, color.filled())).and_then(|_| {
                    area.draw(&Circle::new(
                        c,
                        r + (1.5 * px).round() as i32,
                        ALERT_COLOR.stroke_width((1.5 * px).round().max(1.0) as u32),
                    ))
                })
            }
            k if k == mark::LEAKED => {
                let d = r + 1;
                area.draw(&Polygon::new(
                    vec![
                        (c.0, c.1 - d),
                        (c.0 + d, c.1),
                        (c.0, c.1 + d),
                        (c.0 - d, c.1),
                    ],
                    color.filled(),
                ))
            }
            k if k == mark::REMOVED => area.draw(&Circle::new(c, r, color.stroke_width(1))),
            _ => area.draw(&Circle::new(c, r, color.filled())),
        };
        res.map_err(err)
    };
    let mut entry = |kind: f32, class: usize, text: &str| -> Result<(), String> {
        panel.key(area, text, |b| key(b, kind, class))
    };
    entry(mark::CLEAN, 0, "class 0 (blue area: the network says 0)")?;
    entry(mark::CLEAN, 1, "class 1 (orange area: it says 1)")?;
    if counts.flipped > 0 {
        entry(
            mark::FLIPPED,
            1,
            &format!("{} flipped labels (ringed red)", counts.flipped),
        )?;
    }
    if counts.leaked > 0 {
        entry(
            mark::LEAKED,
            1,
            &format!("{} validation points leaked in", counts.leaked),
        )?;
    }
    if counts.removed > 0 {
        entry(
            mark::REMOVED,
            1,
            &format!("{} points removed from training", counts.removed),
        )?;
    }
    panel.gap(6.0);
    let mut say = |text: &str, color: &RGBColor| panel.say(area, text, 12.0, color);
    match surface.state() {
        SurfaceState::NotANumber => {
            say("The output is not a number (grey): the run", &ALERT_COLOR)?;
            say("diverged and the network is NaN.", &ALERT_COLOR)?;
        }
        SurfaceState::Flat => {
            say(
                "Flat: the network answers the same everywhere",
                &ALERT_COLOR,
            )?;
            say("(dead units, or it gave up on the input).", &ALERT_COLOR)?;
        }
        _ => {
            // Per class: points kept, and points removed.
            let (mut kept, mut removed) = ([0usize; 2], [0usize; 2]);
            for p in surface.points.chunks_exact(4) {
                let c = usize::from(p[2] > 0.5);
                if p[3] == mark::REMOVED {
                    removed[c] += 1;
                } else {
                    kept[c] += 1;
                }
            }
            let missing = (0..2).any(|c| kept[c] == 0 || removed[c] > 3 * kept[c]);
            // Every kept point on its class's side of x = 0 (spurious_feature).
            let by_side = (surface.points.chunks_exact(4))
                .filter(|p| p[3] != mark::REMOVED)
                .all(|p| side_class(f64::from(p[0])) == usize::from(p[2] > 0.5));
            if missing {
                say("A class is (nearly) missing from training:", &ALERT_COLOR)?;
                say("the surface drifts to the majority.", &ALERT_COLOR)?;
            } else if counts.removed > 0 && by_side {
                say("Each class kept only on its side of x = 0:", &ALERT_COLOR)?;
                say("the boundary turns straight (a shortcut).", &ALERT_COLOR)?;
            }
            if counts.flipped > 0 {
                say("Islands around ringed points: the network", &MUTED)?;
                say("memorises the wrong labels.", &MUTED)?;
            }
            if counts.leaked > 0 {
                say("Diamonds are fitted like training points:", &MUTED)?;
                say("validation no longer measures anything new.", &MUTED)?;
            }
        }
    }
    Ok(())
}
