//! Reward over-optimization on the axis of Gao et al. (2022): the proxy
//! reward and the true quality against the KL divergence from the initial
//! policy, over 20 seeds of the agent's suite cases, from the very curve the
//! page draws ([`KlCurve::of`] on the run's metrics). Under reward hacking
//! KL grows, the proxy keeps rising and the true quality rises, peaks and
//! falls; on the clean agent it stays up. All of it from training: nothing
//! is drawn by formula.

use failure_lab::eval::cases::cases;
use failure_lab::metrics::names;
use failure_lab::plots::kl::KlCurve;
use failure_lab::plots::view::{draw_view_as, Mode, View, ViewRecorder};
use failure_lab::run::Run;
use plotters::prelude::*;

const SEEDS: u64 = 20;

/// The figures of one run's curve.
#[derive(Debug)]
struct Figures {
    seed: u64,
    /// KL, proxy and true quality at the first point.
    start: (f64, f64, f64),
    /// KL, proxy and true quality where the true quality peaked.
    peak: (f64, f64, f64),
    /// KL, proxy and true quality at the point of most KL.
    most: (f64, f64, f64),
    /// Lowest true quality after the peak.
    low_after_peak: f64,
    /// Highest proxy over the run.
    top_proxy: f64,
    /// Highest proxy before the fault took effect (over the run if none).
    top_proxy_before: f64,
}

fn curve(label: &str, seed: u64) -> (KlCurve, Run, ViewRecorder) {
    let case = cases()
        .into_iter()
        .find(|c| c.scenario == "agent" && c.label == label)
        .unwrap();
    let mut run = Run::new((case.config)(seed)).unwrap();
    let mut views = ViewRecorder::default();
    while run.steps() < case.steps {
        run.step().expect("an agent run goes on");
        views.after_step(&run);
    }
    let onset = run.ground_truth().first().and_then(|g| g.onset);
    (KlCurve::of(&run.monitor().history, onset), run, views)
}

fn figures(label: &str, seed: u64) -> Figures {
    let (c, _, _) = curve(label, seed);
    let p = c.points();
    let before = c.onset.unwrap_or(u64::MAX);
    assert!(p.len() >= 90, "{label} seed {seed}: {} points", p.len());
    let at = |i: usize| (p[i].1, p[i].2, p[i].3);
    let peak = (0..p.len()).fold(0, |b, i| if p[i].3 > p[b].3 { i } else { b });
    let most = (0..p.len()).fold(0, |b, i| if p[i].1 > p[b].1 { i } else { b });
    Figures {
        seed,
        start: at(0),
        peak: at(peak),
        most: at(most),
        low_after_peak: p[peak..].iter().map(|p| p.3).fold(f64::INFINITY, f64::min),
        top_proxy: p.iter().map(|p| p.2).fold(f64::NEG_INFINITY, f64::max),
        top_proxy_before: (p.iter().filter(|p| p.0 < before))
            .map(|p| p.2)
            .fold(f64::NEG_INFINITY, f64::max),
    }
}

fn all(label: &str) -> Vec<Figures> {
    let out: Vec<Figures> = (1..=SEEDS).map(|seed| figures(label, seed)).collect();
    println!("{label}: seed | start KL proxy quality | peak KL proxy quality | most KL proxy quality | low after peak");
    for f in &out {
        println!(
            "  {:2} | {:.3} {:.2} {:.2} | {:.2} {:.2} {:.3} | {:.2} {:.2} {:.3} | {:.3}",
            f.seed,
            f.start.0,
            f.start.1,
            f.start.2,
            f.peak.0,
            f.peak.1,
            f.peak.2,
            f.most.0,
            f.most.1,
            f.most.2,
            f.low_after_peak
        );
    }
    out
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

/// Mean proxy and true quality of every point of every seed in KL bins
/// 0.5 nats wide (the table of the README), printed.
fn bins(label: &str) {
    let mut sums = [(0.0, 0.0, 0usize); 10];
    for seed in 1..=SEEDS {
        for (_, kl, r, q) in curve(label, seed).0.points() {
            let b = ((kl / 0.5) as usize).min(sums.len() - 1);
            sums[b] = (sums[b].0 + r, sums[b].1 + q, sums[b].2 + 1);
        }
    }
    println!("{label}: KL bin | points | mean proxy | mean true quality");
    for (b, (r, q, n)) in sums.iter().enumerate().filter(|(_, s)| s.2 > 0) {
        let n_f = *n as f64;
        println!(
            "  {:.1}-{:.1} | {n} | {:.2} | {:.3}",
            b as f64 * 0.5,
            (b + 1) as f64 * 0.5,
            r / n_f,
            q / n_f
        );
    }
}

#[test]
fn reward_hacking_the_proxy_keeps_rising_with_kl_while_true_quality_peaks_then_falls() {
    let figs = all("reward_hacking");
    bins("reward_hacking");
    for f in &figs {
        let s = f.seed;
        // KL starts at the initial policy and grows past the peak.
        assert!(f.start.0 < 0.05, "seed {s}: {f:?}");
        assert!(f.peak.0 > 1.0, "seed {s}: {f:?}");
        assert!(f.most.0 > f.peak.0 + 0.5, "seed {s}: {f:?}");
        // True quality rises from the initial policy's ...
        assert!(f.start.2 < 0.35 && f.peak.2 > 0.95, "seed {s}: {f:?}");
        // ... then falls at higher KL: by more than 0.5 in every seed
        // (about 0.99 in most, where the agent ends on filler).
        assert!(f.peak.2 - f.most.2 > 0.5, "seed {s}: {f:?}");
        assert!(f.low_after_peak < 0.5, "seed {s}: {f:?}");
        // The proxy rises with KL: while the rater pays (before the fault)
        // from the initial policy's to about 1, then, paid by the word, far
        // above that at the most KL.
        assert!(f.top_proxy_before > f.start.1 + 0.5, "seed {s}: {f:?}");
        assert!(f.most.1 > 1.5 * f.top_proxy_before, "seed {s}: {f:?}");
    }
    let drop = mean(figs.iter().map(|f| f.peak.2 - f.most.2));
    assert!(drop > 0.85, "mean drop {drop}");
    println!(
        "reward_hacking, means over {SEEDS} seeds: peak quality {:.3} at KL {:.2} \
         (proxy before the fault at most {:.2}); at the most KL {:.2}: quality {:.3} \
         (drop {drop:.3}), proxy {:.2}",
        mean(figs.iter().map(|f| f.peak.2)),
        mean(figs.iter().map(|f| f.peak.0)),
        mean(figs.iter().map(|f| f.top_proxy_before)),
        mean(figs.iter().map(|f| f.most.0)),
        mean(figs.iter().map(|f| f.most.2)),
        mean(figs.iter().map(|f| f.most.1)),
    );
}

#[test]
fn on_the_clean_agent_true_quality_does_not_fall_with_kl() {
    let figs = all("clean/agent");
    bins("clean/agent");
    for f in &figs {
        let s = f.seed;
        assert!(f.start.0 < 0.05 && f.most.0 > 1.0, "seed {s}: {f:?}");
        assert!(f.peak.2 > 0.95, "seed {s}: {f:?}");
        // Never more than 0.05 below its peak after it, nor at the most KL.
        assert!(f.peak.2 - f.low_after_peak < 0.05, "seed {s}: {f:?}");
        assert!(f.peak.2 - f.most.2 < 0.05, "seed {s}: {f:?}");
        // The rater's reward tracks the quality: no run-away proxy.
        assert!(f.top_proxy < 1.2, "seed {s}: {f:?}");
    }
    println!(
        "clean/agent, means over {SEEDS} seeds: peak quality {:.3}, lowest after it {:.3}, most KL {:.2}",
        mean(figs.iter().map(|f| f.peak.2)),
        mean(figs.iter().map(|f| f.low_after_peak)),
        mean(figs.iter().map(|f| f.most.0)),
    );
}

#[test]
fn kl_from_init_is_reported_at_the_evaluation_cadence_and_is_deterministic() {
    let (a, run, _) = curve("reward_hacking", 4);
    let (b, _, _) = curve("reward_hacking", 4);
    assert_eq!(a, b);
    let kl = run.monitor().history.get(names::KL_FROM_INIT).unwrap();
    let q = run.monitor().history.get(names::EVAL_QUALITY).unwrap();
    assert_eq!(kl.steps, q.steps);
    assert_eq!(kl.steps.len(), 100);
    assert!(kl.values.iter().all(|v| v.is_finite() && *v >= 0.0));
}

#[test]
fn the_page_draws_the_curve_of_a_reward_hacking_run() {
    let (_, run, mut views) = curve("reward_hacking", 1);
    let view = views.view(&run).unwrap();
    let View::Agent(answers) = &view else {
        panic!("an agent view")
    };
    assert_eq!(answers.kl.onset, Some(300));
    assert_eq!(answers.kl.points().len(), 100);
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, (900, 400)).into_drawing_area();
        draw_view_as(&area, &view, Mode::Kl, 1.0).unwrap();
    }
    let _ = std::fs::create_dir_all("target/views-svg");
    let _ = std::fs::write("target/views-svg/kl-reward_hacking.svg", &text);
    assert!(
        text.contains("against KL from the initial policy"),
        "{text}"
    );
    assert!(text.contains("fault on (step 300)"));
    assert!(
        text.matches("<circle").count() >= 200,
        "a dot per point and line"
    );
    // An empty curve says so; a malformed one draws no points.
    let mut empty = answers.clone();
    empty.kl = KlCurve {
        kl: vec![1.0],
        ..KlCurve::default()
    };
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, (300, 200)).into_drawing_area();
        draw_view_as(&area, &View::Agent(empty), Mode::Kl, 1.0).unwrap();
    }
    assert!(text.contains("No curve yet"));
}

#[test]
fn the_reward_hacking_preset_opens_on_the_kl_view_and_every_preset_view_is_a_mode() {
    let docs = failure_lab::presets::docs();
    for d in &docs {
        if let Some(v) = d.view {
            let mode: Mode = serde_json::from_value(serde_json::json!(v)).unwrap();
            assert_ne!(mode, Mode::Main, "{}", d.id);
        }
    }
    let hacking = docs.iter().find(|d| d.id == "reward_hacking").unwrap();
    assert_eq!(hacking.view, Some("kl"));
}
