//! The view of a network learning modular arithmetic: every pair (a, b) as
//! one cell of a p x p table, coloured by its split (training, held out)
//! and whether the network answers (a + b) mod p right. Grokking shows as
//! the held-out cells turning from wrong to right long after the training
//! cells all did.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::palette::{INK, MUTED};
use super::view::{fail, Panel};
use crate::trainer::data::Split;
use crate::trainer::Trainer;

/// What a cell of the table is.
pub mod cell {
    /// A pair in no split.
    pub const UNUSED: u8 = 0;
    /// A training pair answered wrong.
    pub const TRAIN_WRONG: u8 = 1;
    /// A training pair answered right.
    pub const TRAIN_RIGHT: u8 = 2;
    /// A held-out (validation or test) pair answered wrong.
    pub const HELD_WRONG: u8 = 3;
    /// A held-out pair answered right.
    pub const HELD_RIGHT: u8 = 4;
}

/// The table of a network on modular data at one step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pairs {
    /// The step it shows.
    pub step: u64,
    /// The modulus: the table is `p` x `p`, row a, column b.
    pub p: usize,
    /// One [`cell`] kind per pair, row-major.
    pub cells: Vec<u8>,
}

impl Pairs {
    /// The table of `trainer` now; None when its data is not modular.
    pub fn of(trainer: &Trainer) -> Option<Pairs> {
        let p = crate::trainer::data::MODULUS;
        let mut cells = vec![cell::UNUSED; p * p];
        let data = &trainer.data;
        let mut mark = |split: &Split, right: u8, wrong: u8| -> Option<()> {
            let pairs = split.modular_pairs()?;
            if split.is_empty() {
                return Some(());
            }
            let fwd = trainer.mlp.forward(split.x.view());
            for ((row, &y), (a, b)) in fwd.logits().rows().into_iter().zip(&split.y).zip(pairs) {
                let best = (0..row.len())
                    .max_by(|&i, &j| row[i].total_cmp(&row[j]))
                    .unwrap_or(0);
                cells[a * p + b] = if best == y { right } else { wrong };
            }
            Some(())
        };
        mark(&data.train, cell::TRAIN_RIGHT, cell::TRAIN_WRONG)?;
        mark(&data.val, cell::HELD_RIGHT, cell::HELD_WRONG)?;
        if !data.test.is_empty() {
            mark(&data.test, cell::HELD_RIGHT, cell::HELD_WRONG)?;
        }
        Some(Pairs {
            step: trainer.step,
            p,
            cells,
        })
    }

    /// How many cells of `kind`.
    pub fn count(&self, kind: u8) -> usize {
        self.cells.iter().filter(|&&c| c == kind).count()
    }
}

/// The colour of a cell kind.
fn colour(kind: u8) -> RGBColor {
    match kind {
        cell::TRAIN_RIGHT => RGBColor(0x93, 0xc5, 0xfd),
        cell::TRAIN_WRONG => RGBColor(0x1e, 0x3a, 0x8a),
        cell::HELD_RIGHT => RGBColor(0x16, 0xa3, 0x4a),
        cell::HELD_WRONG => RGBColor(0xdc, 0x26, 0x26),
        _ => RGBColor(0xf1, 0xf5, 0xf9),
    }
}

/// Draws `pairs` on `area`: the table in a square on the left; on the
/// right a title, the key with counts, and what stands out.
pub fn draw_pairs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pairs: &Pairs,
    pixel_ratio: f64,
) -> Result<(), String> {
    let mut panel = Panel::new(area, pixel_ratio)?;
    let (x0, y0, side, px) = (panel.x0, panel.y0, panel.side, panel.px);
    let p = pairs.p;
    let valid = (2..=256).contains(&p) && pairs.cells.len() == p * p;
    panel.say(
        area,
        &format!("(a + b) mod {p}, every pair · step {}", pairs.step),
        14.0,
        &INK,
    )?;
    if !valid {
        panel.say(area, "No table yet: start training.", 12.0, &MUTED)?;
        return Ok(());
    }
    let cell_px = f64::from(side) / p as f64;
    for a in 0..p {
        for b in 0..p {
            let kind = pairs.cells[a * p + b];
            let left = x0 + (b as f64 * cell_px).floor() as i32;
            let top = y0 + (a as f64 * cell_px).floor() as i32;
            let right = x0 + ((b + 1) as f64 * cell_px).floor() as i32 - 1;
            let bottom = y0 + ((a + 1) as f64 * cell_px).floor() as i32 - 1;
            area.draw(&Rectangle::new(
                [(left, top), (right.max(left), bottom.max(top))],
                colour(kind).filled(),
            ))
            .map_err(fail)?;
        }
    }
    panel.frame(area)?;

    let n = |k| pairs.count(k);
    let (tr, tw, hr, hw) = (
        n(cell::TRAIN_RIGHT),
        n(cell::TRAIN_WRONG),
        n(cell::HELD_RIGHT),
        n(cell::HELD_WRONG),
    );
    panel.say(area, "Row a, column b", 12.0, &MUTED)?;
    let key = [
        (
            cell::TRAIN_RIGHT,
            format!("training pair, right: {tr} of {}", tr + tw),
        ),
        (cell::TRAIN_WRONG, format!("training pair, wrong: {tw}")),
        (
            cell::HELD_RIGHT,
            format!("held-out pair, right: {hr} of {}", hr + hw),
        ),
        (cell::HELD_WRONG, format!("held-out pair, wrong: {hw}")),
    ];
    for (kind, text) in key {
        let s = (10.0 * px) as i32;
        panel.key(area, &text, |(x, y)| {
            area.draw(&Rectangle::new(
                [(x, y + 1), (x + s, y + 1 + s)],
                colour(kind).filled(),
            ))
            .map_err(fail)
        })?;
    }
    panel.gap(6.0);
    let held = hr + hw;
    let note = if tr + tw == 0 || held == 0 {
        "No pairs to show."
    } else if tw * 20 > tr + tw {
        "Still fitting the training pairs."
    } else if hr * 10 >= held * 7 {
        "Generalised: the held-out pairs are answered too."
    } else {
        "Memorised: training pairs right, held-out pairs at chance."
    };
    panel.say(area, note, 12.0, &INK)?;
    Ok(())
}
