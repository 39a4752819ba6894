//! Two-dimensional toy datasets with held-out validation and test splits.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// Which 2-D problem to learn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetKind {
    /// Two interleaved spirals (hard: needs a non-linear boundary).
    Spiral,
    /// A disc inside a ring.
    Circles,
    /// Four quadrants, opposite ones share a class.
    Xor,
    /// Two Gaussian blobs (nearly linearly separable).
    Gaussians,
    /// Not a 2-D problem: (a + b) mod [`MODULUS`] from `a` and `b` one-hot
    /// ([`MODULUS`] classes, 2 x [`MODULUS`] inputs, so the first layer is a
    /// lookup table). The [`MODULUS`]² pairs are shuffled and split in order;
    /// noise is not used. With weight decay a network fits its training
    /// pairs first and generalises to the held-out ones only much later
    /// (grokking); without, it never does.
    Modular,
}

/// The modulus of [`DatasetKind::Modular`].
pub const MODULUS: usize = 23;

impl DatasetKind {
    /// Every 2-D problem, in display order ([`DatasetKind::Modular`] is
    /// apart: it has other inputs and classes).
    pub const ALL: [DatasetKind; 4] = [
        DatasetKind::Spiral,
        DatasetKind::Circles,
        DatasetKind::Xor,
        DatasetKind::Gaussians,
    ];

    /// The lowercase name used in configs, URLs and tables.
    pub fn id(self) -> &'static str {
        match self {
            DatasetKind::Spiral => "spiral",
            DatasetKind::Circles => "circles",
            DatasetKind::Xor => "xor",
            DatasetKind::Gaussians => "gaussians",
            DatasetKind::Modular => "modular",
        }
    }
}

/// Points `x` of shape (n, 2) with class labels `y`.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// Inputs, one row per point.
    pub x: Array2<f64>,
    /// Class of each row.
    pub y: Vec<usize>,
}

impl Split {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// How many points each of `classes` classes has (labels at or above
    /// `classes` are not counted).
    pub fn class_counts(&self, classes: usize) -> Vec<usize> {
        let mut counts = vec![0; classes];
        for &c in &self.y {
            if let Some(n) = counts.get_mut(c) {
                *n += 1;
            }
        }
        counts
    }

    /// These points followed by `copies` copies of those of `other` (of the
    /// same width).
    pub fn joined(&self, other: &Split, copies: usize) -> Split {
        let (n, m) = (self.len(), other.len());
        Split {
            x: Array2::from_shape_fn((n + copies * m, self.x.ncols()), |(r, c)| {
                if r < n {
                    self.x[[r, c]]
                } else {
                    other.x[[(r - n) % m, c]]
                }
            }),
            y: (self.y.iter())
                .chain(other.y.iter().cycle().take(copies * m))
                .copied()
                .collect(),
        }
    }

    /// The (a, b) of every row of a [`DatasetKind::Modular`] split, read
    /// from its one-hot inputs; None for other data.
    pub fn modular_pairs(&self) -> Option<Vec<(usize, usize)>> {
        let p = MODULUS;
        if self.x.ncols() != 2 * p {
            return None;
        }
        (self.x.rows().into_iter())
            .map(|row| {
                let a = (0..p).find(|&c| row[c] == 1.0)?;
                let b = (0..p).find(|&c| row[p + c] == 1.0)?;
                Some((a, b))
            })
            .collect()
    }

    /// The rows at `idx`, as a batch.
    pub fn batch(&self, idx: &[usize]) -> Split {
        Split {
            x: Array2::from_shape_fn((idx.len(), self.x.ncols()), |(r, c)| self.x[[idx[r], c]]),
            y: idx.iter().map(|&i| self.y[i]).collect(),
        }
    }
}

/// A training split and two held-out splits of one problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// What is learned from.
    pub train: Split,
    /// What is measured on during training, never trained on.
    pub val: Split,
    /// A second held-out split (possibly empty): never trained on and never
    /// used to choose anything, so it stays an honest estimate even when
    /// the validation split has leaked into training.
    pub test: Split,
    /// A stress split (possibly empty): held-out points that sit on the
    /// other class's side of the line x = 0 (see [`side_class`]), where a
    /// network that tells the classes apart by the side of the plane, not by
    /// their shape, is wrong. Never trained on.
    pub stress: Split,
    /// Number of classes.
    pub classes: usize,
}

impl Dataset {
    /// `n_train + n_val + n_test` points of `kind` with Gaussian `noise`,
    /// from `rng`. The splits are drawn in that order, so the training and
    /// validation points do not depend on `n_test`.
    pub fn generate(
        kind: DatasetKind,
        [n_train, n_val, n_test]: [usize; 3],
        noise: f64,
        rng: &mut Rng,
    ) -> Dataset {
        if kind == DatasetKind::Modular {
            return modular([n_train, n_val, n_test], rng);
        }
        let train = sample(kind, n_train, noise, rng);
        let val = sample(kind, n_val, noise, rng);
        let test = sample(kind, n_test, noise, rng);
        Dataset {
            train,
            val,
            test,
            stress: sample(kind, 0, noise, rng),
            classes: 2,
        }
    }
}

/// The pairs of [`DatasetKind::Modular`], shuffled by `rng` and split in
/// order; a split asking for more pairs than are left gets what is left.
fn modular(sizes: [usize; 3], rng: &mut Rng) -> Dataset {
    let p = MODULUS;
    let mut pairs: Vec<(usize, usize)> = (0..p * p).map(|i| (i / p, i % p)).collect();
    for i in (1..pairs.len()).rev() {
        pairs.swap(i, rng.below(i + 1));
    }
    let mut rest = &pairs[..];
    let [train, val, test] = sizes.map(|n| {
        let (take, left) = rest.split_at(n.min(rest.len()));
        rest = left;
        Split {
            x: Array2::from_shape_fn((take.len(), 2 * p), |(r, c)| {
                let (a, b) = take[r];
                f64::from(u8::from(c == a || c == p + b))
            }),
            y: take.iter().map(|&(a, b)| (a + b) % p).collect(),
        }
    });
    Dataset {
        stress: Split {
            x: Array2::zeros((0, 2 * p)),
            y: Vec::new(),
        },
        train,
        val,
        test,
        classes: p,
    }
}

/// The class the side of the line x = 0 suggests for a point whose first
/// coordinate is `x`: 1 to the right of it, 0 on it and to the left. Not
/// the real boundary of any 2-D problem but the Gaussians' (whose blobs sit
/// either side of it); a shortcut where a fault makes it predict the class
/// (`spurious_feature`).
pub fn side_class(x: f64) -> usize {
    usize::from(x > 0.0)
}

/// Whether the side of the plane of the row `r` of `split` suggests its
/// class ([`side_class`]).
pub fn on_its_side(split: &Split, r: usize) -> bool {
    side_class(split.x[[r, 0]]) == split.y[r]
}

/// `n` points of `kind` with Gaussian `noise` (half of each class) that
/// sit on the other class's side of the line x = 0 ([`side_class`]), drawn
/// from `rng` by rejection: [`Dataset::stress`]. Every 2-D problem has such
/// points (a share of about a half, the Gaussians' a few percent).
pub fn stress_sample(kind: DatasetKind, n: usize, noise: f64, rng: &mut Rng) -> Split {
    draw(kind, n, noise, rng, |class, x| side_class(x) != class)
}

fn sample(kind: DatasetKind, n: usize, noise: f64, rng: &mut Rng) -> Split {
    draw(kind, n, noise, rng, |_, _| true)
}

/// `n` points of `kind` with `noise`, alternating classes, each drawn again
/// until `keep(class, x)` holds for it.
fn draw(
    kind: DatasetKind,
    n: usize,
    noise: f64,
    rng: &mut Rng,
    keep: impl Fn(usize, f64) -> bool,
) -> Split {
    let mut x = Array2::zeros((n, 2));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 2;
        loop {
            let (px, py) = point(kind, class, rng);
            x[[i, 0]] = px + noise * rng.normal();
            x[[i, 1]] = py + noise * rng.normal();
            if keep(class, x[[i, 0]]) {
                break;
            }
        }
        y.push(class);
    }
    Split { x, y }
}

fn point(kind: DatasetKind, class: usize, rng: &mut Rng) -> (f64, f64) {
    use core::f64::consts::PI;
    match kind {
        DatasetKind::Spiral => {
            let t = rng.uniform();
            let r = 0.2 + 0.8 * t;
            let angle = 3.0 * PI * t + PI * class as f64;
            (r * libm::cos(angle), r * libm::sin(angle))
        }
        DatasetKind::Circles => {
            let r = if class == 0 {
                0.5 * rng.uniform()
            } else {
                0.7 + 0.3 * rng.uniform()
            };
            let angle = 2.0 * PI * rng.uniform();
            (r * libm::cos(angle), r * libm::sin(angle))
        }
        DatasetKind::Xor => {
            let a = 0.1 + 0.9 * rng.uniform();
            let b = 0.1 + 0.9 * rng.uniform();
            let s = if rng.uniform() < 0.5 { 1.0 } else { -1.0 };
            // class 0: same signs; class 1: opposite signs
            if class == 0 {
                (s * a, s * b)
            } else {
                (s * a, -s * b)
            }
        }
        DatasetKind::Gaussians => {
            let c = if class == 0 { -0.5 } else { 0.5 };
            (c + 0.3 * rng.normal(), c + 0.3 * rng.normal())
        }
        // Never drawn: `Dataset::generate` builds the modular pairs whole.
        DatasetKind::Modular => (0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modular_pairs_are_one_hot_disjoint_and_labelled() {
        let p = MODULUS;
        let d = Dataset::generate(DatasetKind::Modular, [300, 200, 100], 0.5, &mut Rng::new(3));
        assert_eq!(
            d,
            Dataset::generate(DatasetKind::Modular, [300, 200, 100], 0.0, &mut Rng::new(3))
        );
        assert_eq!(
            (d.train.len(), d.val.len(), d.test.len(), d.classes),
            (300, 200, 29, MODULUS)
        );
        let mut seen = std::collections::HashSet::new();
        for split in [&d.train, &d.val, &d.test] {
            for (row, &y) in split.x.rows().into_iter().zip(&split.y) {
                let hot: Vec<usize> = (0..2 * p).filter(|&c| row[c] == 1.0).collect();
                assert_eq!(row.sum(), 2.0);
                let (a, b) = (hot[0], hot[1] - p);
                assert!(a < p && b < p && y == (a + b) % p);
                assert!(seen.insert((a, b)), "a pair in two places");
            }
        }
    }

    #[test]
    fn generate_is_deterministic_balanced_and_sized() {
        for kind in DatasetKind::ALL {
            let a = Dataset::generate(kind, [100, 40, 30], 0.1, &mut Rng::new(5));
            let b = Dataset::generate(kind, [100, 40, 30], 0.1, &mut Rng::new(5));
            assert_eq!(a, b);
            assert_eq!((a.train.len(), a.val.len(), a.test.len()), (100, 40, 30));
            assert_eq!(a.train.class_counts(2), [50, 50]);
            assert_eq!(a.test.class_counts(2), [15, 15]);
            // The test split comes last: the others do not depend on it.
            let no_test = Dataset::generate(kind, [100, 40, 0], 0.1, &mut Rng::new(5));
            assert_eq!((&no_test.train, &no_test.val), (&a.train, &a.val));
            assert!(a.train.x.iter().all(|v| v.is_finite() && v.abs() < 5.0));
        }
    }
}
