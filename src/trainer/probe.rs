//! Linear probes: what a network's hidden layer encodes, read by the
//! simplest possible reader. A ridge least-squares map from the hidden
//! activations (plus a constant) to a one-hot target is fit on the training
//! points and scored on held-out ones; if a property can be read linearly
//! from the representation of points the network never trained on, the
//! representation has learned it, whatever the network's own output says.

use ndarray::{Array2, ArrayView2};

use super::mlp::argmax;

/// Ridge strength of every probe: small against the activations' scale
/// (ReLU units of order 1), enough to keep the normal equations solvable.
const RIDGE: f64 = 1e-2;

/// Accuracy, on `(test, test_labels)`, of a linear probe fit on
/// `(train, train_labels)` to predict `classes` classes; NaN when the
/// features are not finite or a split is empty.
pub fn probe_accuracy(
    train: ArrayView2<f64>,
    train_labels: &[usize],
    test: ArrayView2<f64>,
    test_labels: &[usize],
    classes: usize,
) -> f64 {
    let finite = |a: &ArrayView2<f64>| a.iter().all(|v| v.is_finite());
    if train.nrows() == 0 || test.nrows() == 0 || !finite(&train) || !finite(&test) {
        return f64::NAN;
    }
    let x = with_constant(train);
    let mut y = Array2::zeros((train_labels.len(), classes));
    for (r, &c) in train_labels.iter().enumerate() {
        if c < classes {
            y[[r, c]] = 1.0;
        }
    }
    let mut gram = x.t().dot(&x);
    for i in 0..gram.nrows() {
        gram[[i, i]] += RIDGE;
    }
    let Some(w) = solve(gram, x.t().dot(&y)) else {
        return f64::NAN;
    };
    let scores = with_constant(test).dot(&w);
    let right = (scores.rows().into_iter().zip(test_labels))
        .filter(|(row, &c)| argmax(row.iter().copied()) == c)
        .count();
    right as f64 / test_labels.len() as f64
}

/// `x` with a column of ones appended (the probe's bias).
fn with_constant(x: ArrayView2<f64>) -> Array2<f64> {
    Array2::from_shape_fn((x.nrows(), x.ncols() + 1), |(r, c)| {
        if c < x.ncols() {
            x[[r, c]]
        } else {
            1.0
        }
    })
}

/// Solves `a w = b` for a symmetric positive definite `a` by Gauss-Jordan
/// elimination with partial pivoting; None when `a` is singular.
fn solve(mut a: Array2<f64>, mut b: Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    for c in 0..n {
        let pivot = (c..n).max_by(|&i, &j| a[[i, c]].abs().total_cmp(&a[[j, c]].abs()))?;
        if a[[pivot, c]].abs() < 1e-12 {
            return None;
        }
        for k in 0..n {
            a.swap([c, k], [pivot, k]);
        }
        for k in 0..b.ncols() {
            b.swap([c, k], [pivot, k]);
        }
        let p = a[[c, c]];
        for r in (0..n).filter(|&r| r != c) {
            let f = a[[r, c]] / p;
            if f != 0.0 {
                for k in c..n {
                    a[[r, k]] -= f * a[[c, k]];
                }
                for k in 0..b.ncols() {
                    b[[r, k]] -= f * b[[c, k]];
                }
            }
        }
    }
    for r in 0..n {
        let p = a[[r, r]];
        b.row_mut(r).mapv_inplace(|v| v / p);
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn reads_a_linearly_encoded_class_and_not_noise() {
        let mut rng = Rng::new(1);
        // Class c is encoded as feature c = 1 plus noise; 4 classes.
        let make = |n: usize, rng: &mut Rng| {
            let y: Vec<usize> = (0..n).map(|i| i % 4).collect();
            let x = Array2::from_shape_fn((n, 6), |(r, c)| {
                f64::from(u8::from(c == y[r])) + 0.1 * rng.normal()
            });
            (x, y)
        };
        let (xa, ya) = make(200, &mut rng);
        let (xb, yb) = make(100, &mut rng);
        assert_eq!(probe_accuracy(xa.view(), &ya, xb.view(), &yb, 4), 1.0);
        let noise = Array2::from_shape_fn((100, 6), |_| rng.normal());
        let chance = probe_accuracy(xa.view(), &ya, noise.view(), &yb, 4);
        assert!(chance < 0.5, "{chance}");
        let mut bad = xb.clone();
        bad[[0, 0]] = f64::NAN;
        assert!(probe_accuracy(xa.view(), &ya, bad.view(), &yb, 4).is_nan());
    }
}
