//! Streaming statistics shared by the detectors.
//!
//! Everything here takes constant work per value (amortised) and keeps
//! constant memory, whatever the window: a detector can watch a million steps
//! as cheaply as ten. Transcendental functions come from `libm` so that the
//! numbers, and so the findings, are the same natively and in wasm.

/// An exponential moving average, started at the first value seen.
///
/// `alpha` is the weight of each new value: the average remembers roughly the
/// last `1 / alpha` values.
#[derive(Clone, Debug)]
pub struct Ema {
    alpha: f64,
    value: Option<f64>,
}

impl Ema {
    /// An empty average giving each new value weight `alpha` (0 < alpha <= 1).
    pub fn new(alpha: f64) -> Self {
        Ema { alpha, value: None }
    }

    /// An average over roughly the last `span` values (alpha = 2 / (span + 1),
    /// the pandas convention).
    pub fn with_span(span: f64) -> Self {
        Ema::new(2.0 / (span.max(1.0) + 1.0))
    }

    /// Folds `x` in and returns the new average.
    pub fn update(&mut self, x: f64) -> f64 {
        let v = match self.value {
            None => x,
            Some(v) => v + self.alpha * (x - v),
        };
        self.value = Some(v);
        v
    }

    /// The current average, if any value was seen.
    pub fn get(&self) -> Option<f64> {
        self.value
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.value = None;
    }
}

/// Exponentially weighted mean and variance (West's update, as in pandas'
/// `ewm(adjust=False)`), started at the first value seen.
#[derive(Clone, Debug)]
pub struct EwStats {
    alpha: f64,
    mean: f64,
    var: f64,
    count: u64,
}

impl EwStats {
    /// Empty statistics giving each new value weight `alpha` (0 < alpha <= 1).
    pub fn new(alpha: f64) -> Self {
        EwStats {
            alpha,
            mean: 0.0,
            var: 0.0,
            count: 0,
        }
    }

    /// Folds `x` in.
    pub fn update(&mut self, x: f64) {
        if self.count == 0 {
            self.mean = x;
            self.var = 0.0;
        } else {
            let diff = x - self.mean;
            let incr = self.alpha * diff;
            self.mean += incr;
            self.var = (1.0 - self.alpha) * (self.var + diff * incr);
        }
        self.count += 1;
    }

    /// Values seen so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The weighted mean (0 before any value).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The weighted variance (0 before two values).
    pub fn variance(&self) -> f64 {
        self.var
    }

    /// The weighted standard deviation.
    pub fn std(&self) -> f64 {
        libm::sqrt(self.var)
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        *self = EwStats::new(self.alpha);
    }
}

/// The last `capacity` values, with their mean and variance.
///
/// A ring buffer allocated once. The mean and the sum of squared deviations
/// are slid in O(1) per value (Welford's update for a value in, its inverse
/// for the value out). Sliding accumulates rounding error, so every
/// `capacity` values they are recomputed exactly in two passes: O(capacity)
/// once per `capacity` values, O(1) amortised; and at once when a slide
/// removes more than half the squared deviations (an outlier leaving),
/// where the slid sums would be mostly rounding error.
#[derive(Clone, Debug)]
pub struct RollingWindow {
    buf: Vec<f64>,
    head: usize,
    len: usize,
    mean: f64,
    m2: f64,
    since_resum: usize,
}

impl RollingWindow {
    /// An empty window over the last `capacity` (at least 1) values.
    pub fn new(capacity: usize) -> Self {
        RollingWindow {
            buf: vec![0.0; capacity.max(1)],
            head: 0,
            len: 0,
            mean: 0.0,
            m2: 0.0,
            since_resum: 0,
        }
    }

    /// How many values the window holds when full.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Values currently held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True before the first value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True once `capacity` values have been pushed.
    pub fn is_full(&self) -> bool {
        self.len == self.buf.len()
    }

    /// Adds `x`; returns the value it pushed out, once the window is full.
    pub fn push(&mut self, x: f64) -> Option<f64> {
        let cap = self.buf.len();
        if self.len < cap {
            self.buf[(self.head + self.len) % cap] = x;
            self.len += 1;
            let delta = x - self.mean;
            self.mean += delta / self.len as f64;
            self.m2 += delta * (x - self.mean);
            return None;
        }
        let old = std::mem::replace(&mut self.buf[self.head], x);
        self.head = (self.head + 1) % cap;
        let old_mean = self.mean;
        let old_m2 = self.m2;
        self.mean += (x - old) / cap as f64;
        self.m2 += (x - old) * (x - self.mean + old - old_mean);
        self.since_resum += 1;
        // A value that held most of the spread has left (a spike's huge
        // loss): what is left of the sums is cancellation error, zero or
        // below it, or NaN after an overflow. Recount them exactly.
        if self.since_resum >= cap || self.m2.is_nan() || self.m2 < 0.5 * old_m2 {
            self.resum();
        }
        Some(old)
    }

    /// Recomputes the mean and squared deviations exactly (two passes).
    fn resum(&mut self) {
        let n = self.len as f64;
        self.mean = self.buf.iter().sum::<f64>() / n;
        self.m2 = self
            .buf
            .iter()
            .map(|v| (v - self.mean) * (v - self.mean))
            .sum();
        self.since_resum = 0;
    }

    /// Mean of the values held (0 when empty).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Population variance of the values held, as numpy's `var` (0 when empty).
    pub fn variance(&self) -> f64 {
        if self.len == 0 {
            0.0
        } else {
            (self.m2 / self.len as f64).max(0.0)
        }
    }

    /// Population standard deviation of the values held.
    pub fn std(&self) -> f64 {
        libm::sqrt(self.variance())
    }

    /// The oldest value held.
    pub fn oldest(&self) -> Option<f64> {
        (self.len > 0).then(|| self.buf[self.head])
    }

    /// The newest value held.
    pub fn newest(&self) -> Option<f64> {
        (self.len > 0).then(|| self.buf[(self.head + self.len - 1) % self.buf.len()])
    }

    /// Empties the window (keeps its memory).
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
        self.mean = 0.0;
        self.m2 = 0.0;
        self.since_resum = 0;
    }
}

/// A robust running level of a positive quantity: an EMA of its logarithm in
/// which each step may move the level by at most a factor `clip`.
///
/// A single outlier (a gradient spike) therefore barely moves the level, so
/// the next spike is still measured against the healthy level, while a real
/// lasting change of scale is followed within a few tens of steps. The level
/// is a geometric mean, the natural centre of norms that vary over orders of
/// magnitude. The first `settle` values are folded in unclipped, so that the
/// level can follow the wild first steps of a run wherever they go.
#[derive(Clone, Debug)]
pub struct LogLevel {
    ema: Ema,
    log_clip: f64,
    settle: u64,
    count: u64,
}

impl LogLevel {
    /// A level with EMA weight `alpha` whose updates, after the first
    /// `settle`, are clipped to a factor `clip` (> 1) from the current level.
    pub fn new(alpha: f64, clip: f64, settle: u64) -> Self {
        LogLevel {
            ema: Ema::new(alpha),
            log_clip: libm::log(clip.max(1.0)),
            settle,
            count: 0,
        }
    }

    /// Folds in `x` (> 0 and finite; other values are ignored).
    pub fn update(&mut self, x: f64) {
        if !(x > 0.0 && x.is_finite()) {
            return;
        }
        let lx = libm::log(x);
        let lx = match self.ema.get() {
            Some(level) if self.count >= self.settle => {
                lx.clamp(level - self.log_clip, level + self.log_clip)
            }
            _ => lx,
        };
        self.ema.update(lx);
        self.count += 1;
    }

    /// The level (geometric mean), if a value was seen.
    pub fn get(&self) -> Option<f64> {
        self.ema.get().map(libm::exp)
    }

    /// Values folded in so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.ema.reset();
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn reference(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        (mean, var)
    }

    #[test]
    fn rolling_window_matches_a_recomputed_reference() {
        let mut rng = Rng::new(5);
        for cap in [1, 2, 7, 100] {
            let mut w = RollingWindow::new(cap);
            let mut all = Vec::new();
            for i in 0..1000 {
                // A drifting, noisy signal with occasional jumps.
                let x = 0.01 * i as f64 + rng.normal() + if i % 97 == 0 { 50.0 } else { 0.0 };
                w.push(x);
                all.push(x);
                let tail = &all[all.len().saturating_sub(cap)..];
                let (mean, var) = reference(tail);
                assert_eq!(w.len(), tail.len());
                assert!((w.mean() - mean).abs() < 1e-9, "cap {cap} step {i}");
                assert!(
                    (w.variance() - var).abs() < 1e-9 * (1.0 + var),
                    "cap {cap} step {i}: {} vs {var}",
                    w.variance()
                );
                assert_eq!(w.oldest(), tail.first().copied());
                assert_eq!(w.newest(), tail.last().copied());
            }
        }
    }

    #[test]
    fn rolling_variance_is_accurate_for_a_tiny_spread_on_a_large_level() {
        // The plateau test: variance ~1e-8 of values near 1e3. Naive sums of
        // squares lose everything here (1e6 vs 1e-8 is beyond f64's digits).
        let mut rng = Rng::new(9);
        let mut w = RollingWindow::new(1000);
        let mut all = Vec::new();
        for _ in 0..5000 {
            let x = 1000.0 + 1e-4 * rng.normal();
            w.push(x);
            all.push(x);
        }
        let (_, var) = reference(&all[all.len() - 1000..]);
        assert!(
            (w.variance() - var).abs() < 1e-3 * var,
            "{} vs {var}",
            w.variance()
        );
    }

    #[test]
    fn rolling_window_evicts_in_order_and_clears() {
        let mut w = RollingWindow::new(3);
        assert_eq!(w.push(1.0), None);
        assert_eq!(w.push(2.0), None);
        assert_eq!(w.push(3.0), None);
        assert!(w.is_full());
        assert_eq!(w.push(4.0), Some(1.0));
        assert_eq!(w.push(5.0), Some(2.0));
        assert_eq!(w.mean(), 4.0);
        w.clear();
        assert!(w.is_empty());
        assert_eq!(w.variance(), 0.0);
        w.push(7.0);
        assert_eq!((w.mean(), w.oldest()), (7.0, Some(7.0)));
    }

    #[test]
    fn ema_matches_its_recurrence() {
        let mut e = Ema::new(0.1);
        assert_eq!(e.get(), None);
        let xs = [3.0, 5.0, -1.0, 2.5];
        let mut reference = xs[0];
        for (i, &x) in xs.iter().enumerate() {
            if i > 0 {
                reference = 0.9 * reference + 0.1 * x;
            }
            assert!((e.update(x) - reference).abs() < 1e-12);
        }
        assert!((Ema::with_span(19.0).alpha - 0.1).abs() < 1e-12);
    }

    #[test]
    fn ew_stats_match_a_recomputed_weighted_reference() {
        let mut rng = Rng::new(3);
        let alpha = 0.05;
        let mut s = EwStats::new(alpha);
        let xs: Vec<f64> = (0..400).map(|_| 2.0 + rng.normal()).collect();
        for x in &xs {
            s.update(*x);
        }
        // adjust=False weights: (1-a)^(n-1) on the first value, a(1-a)^k on the others.
        let n = xs.len();
        let w: Vec<f64> = (0..n)
            .map(|i| {
                let k = (n - 1 - i) as i32;
                if i == 0 {
                    (1.0 - alpha).powi(k)
                } else {
                    alpha * (1.0 - alpha).powi(k)
                }
            })
            .collect();
        let mean: f64 = w.iter().zip(&xs).map(|(w, x)| w * x).sum();
        let var: f64 = w.iter().zip(&xs).map(|(w, x)| w * (x - mean).powi(2)).sum();
        assert!((s.mean() - mean).abs() < 1e-12, "{} vs {mean}", s.mean());
        // West's recursion is the exact weighted variance about the running mean.
        assert!(
            (s.variance() - var).abs() < 1e-9,
            "{} vs {var}",
            s.variance()
        );
        assert_eq!(s.count(), 400);
    }

    #[test]
    fn log_level_ignores_a_single_spike_but_follows_a_lasting_change() {
        // Unclipped while settling: it follows a jump by 1e20 at once.
        let mut l = LogLevel::new(0.5, 2.0, 10);
        l.update(1.0);
        l.update(1e20);
        assert!(
            (l.get().unwrap() - 1e10).abs() < 1e-3 * 1e10,
            "{:?}",
            l.get()
        );

        let mut l = LogLevel::new(0.05, 2.0, 10);
        for _ in 0..200 {
            l.update(1.0);
        }
        l.update(1e6);
        assert!(l.get().unwrap() < 1.05, "one spike moves it by < 5%");
        for _ in 0..300 {
            l.update(100.0);
        }
        assert!((l.get().unwrap() - 100.0).abs() < 1.0, "{:?}", l.get());
        l.update(f64::NAN);
        l.update(0.0);
        assert_eq!(l.count(), 501);
        l.reset();
        assert_eq!(l.get(), None);
    }
}
