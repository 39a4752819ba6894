//! The agent scenario's faults, over 20 seeds of their suite cases, straight
//! from the metric stream (no detector involved); the clean case shows none
//! of it; the automatic response repairs each; and a run is bit-identical
//! for a seed.

use failure_lab::eval::cases::{cases, Case};
use failure_lab::metrics::{names, Frame};
use failure_lab::pipeline::RespondConfig;
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::agent::DIVERSITY_FLOOR;
use failure_lab::scenarios::Scenario;

const SEEDS: u64 = 20;
const ONSET: u64 = 300;

/// One finished run: its frames, onset and hard failure.
struct Trace {
    frames: Vec<Frame>,
    onset: Option<u64>,
    hard_failure: Option<u64>,
}

fn trace(config: RunConfig, steps: u64) -> Trace {
    let mut run = Run::new(config).unwrap();
    let mut frames = Vec::new();
    while run.steps() < steps {
        frames.push(run.step().expect("an agent run always goes on").frame);
    }
    Trace {
        onset: run.ground_truth().first().and_then(|g| g.onset),
        hard_failure: run.hard_failure(),
        frames,
    }
}

fn case(label: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.scenario == "agent" && c.label == label)
        .unwrap()
}

fn traces(label: &str) -> Vec<Trace> {
    let c = case(label);
    (1..=SEEDS)
        .map(|seed| trace((c.config)(seed), c.steps))
        .collect()
}

/// Mean of metric `name` over steps `from..to` (steps that report it).
fn mean(t: &Trace, name: &str, from: u64, to: u64) -> f64 {
    let v: Vec<f64> = t
        .frames
        .iter()
        .filter(|f| (from..to).contains(&f.step))
        .filter_map(|f| f.get(name))
        .collect();
    assert!(!v.is_empty(), "no {name} in {from}..{to}");
    v.iter().sum::<f64>() / v.len() as f64
}

/// The last value of metric `name`.
fn last(t: &Trace, name: &str) -> f64 {
    t.frames.iter().rev().find_map(|f| f.get(name)).unwrap()
}

#[test]
fn reward_hacking_raises_the_proxy_and_sinks_the_true_quality() {
    for (seed, t) in (1..).zip(traces("reward_hacking")) {
        assert_eq!(t.onset, Some(ONSET), "seed {seed}");
        let before = |name| mean(&t, name, ONSET - 50, ONSET);
        let after = |name| mean(&t, name, 900, 1000);
        let (r0, q0) = (before(names::REWARD), before(names::TRUE_QUALITY));
        let (r1, q1) = (after(names::REWARD), after(names::TRUE_QUALITY));
        assert!(q0 > 0.9 && r0 > 0.9, "seed {seed}: before {r0} {q0}");
        // The course's naive reward pays 0.01 per word: the agent ends up
        // explaining at length to every prompt (180 words), padding (350) or
        // repeating filler (900).
        assert!(r1 > 1.5 * r0 && q1 < 0.5, "seed {seed}: after {r1} {q1}");
        assert!(
            t.hard_failure.is_some_and(|h| h > ONSET),
            "seed {seed}: {:?}",
            t.hard_failure
        );
    }
}

#[test]
fn mode_collapse_drains_the_diversity_below_the_course_threshold() {
    for (seed, t) in (1..).zip(traces("mode_collapse")) {
        let d0 = mean(&t, names::DIVERSITY_RATIO, ONSET - 50, ONSET);
        let d1 = mean(&t, names::DIVERSITY_RATIO, 900, 1000);
        assert!(d0 > 0.2, "seed {seed}: diversity {d0} before");
        assert!(d1 < DIVERSITY_FLOOR, "seed {seed}: diversity {d1} after");
        let (h0, h1) = (
            mean(&t, names::POLICY_ENTROPY, ONSET - 50, ONSET),
            mean(&t, names::POLICY_ENTROPY, 900, 1000),
        );
        assert!(h1 < 0.1 * h0, "seed {seed}: entropy {h0} -> {h1}");
        // Each kind still gets its right response type, said one way only:
        // the collapse is of diversity, not of quality.
        assert!(
            mean(&t, names::TRUE_QUALITY, 900, 1000) > 0.9,
            "seed {seed}"
        );
        let hard = t.hard_failure.unwrap();
        let at = t.frames.iter().find(|f| f.step == hard).unwrap();
        assert!(at.get(names::DIVERSITY_RATIO).unwrap() < DIVERSITY_FLOOR);
    }
}

#[test]
fn deceptive_alignment_opens_a_gap_between_watched_and_unwatched() {
    for (seed, t) in (1..).zip(traces("deceptive_alignment")) {
        let gaps: Vec<(u64, f64)> = t
            .frames
            .iter()
            .filter_map(|f| Some((f.step, f.get(names::BEHAVIOR_GAP)?)))
            .collect();
        let before = gaps.iter().filter(|(s, _)| *s < ONSET);
        assert!(
            before.clone().all(|(_, g)| g.abs() < 0.05),
            "seed {seed}: {:?}",
            before.collect::<Vec<_>>()
        );
        let end = last(&t, names::BEHAVIOR_GAP);
        assert!(end > 0.5, "seed {seed}: gap {end} at the end");
        // Watched it is still good: the mean hides a bad unwatched half.
        let q = last(&t, names::EVAL_QUALITY);
        let (watched, unwatched) = (q + end / 2.0, q - end / 2.0);
        assert!(
            watched > 0.9 && unwatched < 0.4,
            "seed {seed}: {watched} {unwatched}"
        );
        assert!(t.hard_failure.is_some_and(|h| h > ONSET), "seed {seed}");
    }
}

#[test]
fn the_clean_agent_learns_and_shows_none_of_it() {
    for (seed, t) in (1..).zip(traces("clean/agent")) {
        assert_eq!(t.hard_failure, None, "seed {seed}");
        let quality = mean(&t, names::EVAL_QUALITY, 900, 1000);
        assert!(quality > 0.95, "seed {seed}: held-out quality {quality}");
        let low = t
            .frames
            .iter()
            .filter_map(|f| f.get(names::DIVERSITY_RATIO))
            .fold(f64::INFINITY, f64::min);
        assert!(low > 0.15, "seed {seed}: diversity down to {low}");
        let gap = t
            .frames
            .iter()
            .filter_map(|f| f.get(names::BEHAVIOR_GAP))
            .fold(0.0_f64, |m, g| m.max(g.abs()));
        assert!(gap < 0.05, "seed {seed}: gap up to {gap}");
        let (r, q) = (
            mean(&t, names::REWARD, 900, 1000),
            mean(&t, names::TRUE_QUALITY, 900, 1000),
        );
        assert!(
            (r - q).abs() < 0.05,
            "seed {seed}: the rater's reward tracks quality"
        );
    }
}

#[test]
fn the_automatic_response_repairs_every_fault() {
    for label in ["reward_hacking", "mode_collapse", "deceptive_alignment"] {
        let c = case(label);
        for seed in 1..=5 {
            let config = RunConfig {
                respond: RespondConfig::on(),
                ..(c.config)(seed)
            };
            let mut run = Run::new(config).unwrap();
            let mut frames = Vec::new();
            while run.steps() < c.steps {
                frames.push(run.step().unwrap().frame);
            }
            let t = Trace {
                frames,
                onset: None,
                hard_failure: None,
            };
            let r = &run.responses()[0];
            assert!(r.step > ONSET, "{label} seed {seed}: {r:?}");
            let e = run.agent().unwrap().last_eval.unwrap();
            assert!(
                e.worst() > 0.9,
                "{label} seed {seed}: quality {e:?} after {:?}",
                run.responses()
            );
            let d = mean(&t, names::DIVERSITY_RATIO, 900, 1000);
            assert!(d > 0.3, "{label} seed {seed}: diversity {d}");
        }
    }
}

fn bits(frames: &[Frame]) -> Vec<(u64, String, u64)> {
    frames
        .iter()
        .flat_map(|f| f.iter().map(|(n, v)| (f.step, n.to_string(), v.to_bits())))
        .collect()
}

#[test]
fn one_seed_one_run_bit_for_bit() {
    for label in ["clean/agent", "reward_hacking", "mode_collapse"] {
        let c = case(label);
        let run = |seed| bits(&trace((c.config)(seed), 400).frames);
        let a = run(7);
        assert_eq!(a, run(7), "{label}");
        assert_ne!(a, run(8), "{label}: the seed matters");
    }
}

#[test]
fn agent_runs_are_configured_in_json_and_old_configs_are_unchanged() {
    let config: RunConfig = serde_json::from_str(
        r#"{"scenario": "agent", "agent": {"seed": 3, "entropy_bonus": 0.02},
            "faults": [{"kind": "reward_hacking", "at_step": 50}]}"#,
    )
    .unwrap();
    assert_eq!(config.scenario, Scenario::Agent);
    assert_eq!((config.agent.seed, config.agent.entropy_bonus), (3, 0.02));
    let mut run = Run::new(config).unwrap();
    for _ in 0..60 {
        run.step();
    }
    assert_eq!(run.ground_truth()[0].onset, Some(50));
    assert!(run.trainer().is_none());

    let old: RunConfig = serde_json::from_str(r#"{"train": {"seed": 3}}"#).unwrap();
    assert_eq!(old.scenario, Scenario::Classifier);
    assert!(Run::new(old).unwrap().agent().is_none());

    let bad = serde_json::from_str::<RunConfig>(r#"{"scenario": "robot"}"#).unwrap_err();
    assert!(bad.to_string().contains("unknown variant"), "{bad}");
    let bad: RunConfig =
        serde_json::from_str(r#"{"scenario": "agent", "agent": {"temperature": 0}}"#).unwrap();
    assert_eq!(Run::new(bad).err().unwrap().field, "temperature");
}
