//! The views of the failure itself, computed from real runs and rendered
//! natively to SVG: the classifier's decision surface and data under each
//! data fault, dead units and a diverged run; what the agent answers under
//! reward hacking and deceptive alignment. And that following a run for its
//! views changes nothing of the run.

use failure_lab::plots::answers::{draw_answers, Answers};
use failure_lab::plots::surface::{draw_surface, mark, Surface, SurfaceState, GRID_SIZE};
use failure_lab::plots::view::{draw_view, View, ViewRecorder};
use failure_lab::presets::{presets, SEED};
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::Fault;
use plotters::prelude::*;

/// The preset of fault `id` run for `steps` steps, followed by a recorder.
fn preset_run(id: &str, steps: u64) -> (Run, ViewRecorder) {
    let preset = presets().into_iter().find(|p| p.id() == id).unwrap();
    run_config(preset.config(SEED), steps)
}

fn run_config(config: RunConfig, steps: u64) -> (Run, ViewRecorder) {
    let mut run = Run::new(config).unwrap();
    let mut views = ViewRecorder::default();
    for _ in 0..steps {
        if run.step().is_none() {
            break;
        }
        views.after_step(&run);
    }
    (run, views)
}

fn surface(id: &str, steps: u64) -> Surface {
    let (run, _) = preset_run(id, steps);
    Surface::of(run.trainer().unwrap(), GRID_SIZE)
}

/// `view` as SVG (lower case), 900 x 400; also written under target/ to look at.
fn svg(view: &View, name: &str) -> String {
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, (900, 400)).into_drawing_area();
        draw_view(&area, view, 1.0).unwrap();
    }
    let _ = std::fs::create_dir_all("target/views-svg");
    let _ = std::fs::write(format!("target/views-svg/{name}.svg"), &text);
    text.to_lowercase()
}

/// The fill colours of the heatmap's cells in an SVG.
fn cells(svg: &str) -> usize {
    svg.matches("<rect").count()
}

#[test]
fn a_clean_run_draws_a_shaped_surface_and_clean_points() {
    let (run, mut views) = run_config(RunConfig::default(), 600);
    let Some(View::Classifier(s)) = views.view(&run) else {
        panic!("a classifier view")
    };
    assert_eq!(s.step, 600);
    assert_eq!((s.size, s.grid.len()), (GRID_SIZE, GRID_SIZE * GRID_SIZE));
    assert_eq!(s.state(), SurfaceState::Shaped);
    let c = s.counts();
    assert_eq!((c.clean, c.flipped, c.leaked, c.removed), (400, 0, 0, 0));
    // Both signs of the margin: the network tells the classes apart.
    assert!(s.grid.iter().any(|&m| m > 0.2) && s.grid.iter().any(|&m| m < -0.2));
    let text = svg(&View::Classifier(s), "clean");
    assert!(
        cells(&text) > GRID_SIZE,
        "the heatmap's cells, a run of one colour per rectangle"
    );
    assert!(text.contains("<circle"), "the points");
    assert!(text.contains("decision surface"));
    assert!(!text.contains("flipped"));
}

#[test]
fn label_noise_marks_the_flipped_points() {
    let s = surface("label_noise", 600);
    let flipped = s.counts().flipped;
    let preset = presets()
        .into_iter()
        .find(|p| p.id() == "label_noise")
        .unwrap();
    let n = preset.config(SEED).train.n_train as f64;
    assert_eq!(
        flipped as f64,
        (0.4 * n).round(),
        "every flipped label, once"
    );
    let text = svg(&View::Classifier(s), "label_noise");
    assert!(text.contains("flipped labels"), "the key says it");
    // Before the fault's step nothing is flipped.
    assert_eq!(surface("label_noise", 100).counts().flipped, 0);
}

#[test]
fn class_imbalance_shows_the_removed_class() {
    let s = surface("class_imbalance", 600);
    let c = s.counts();
    assert!(c.removed > 150, "{c:?}");
    let rare: usize = (s.points.chunks_exact(4))
        .filter(|p| p[3] != mark::REMOVED && p[2] > 0.5)
        .count();
    assert!(rare <= 3, "the rare class keeps a point or two: {rare}");
    let text = svg(&View::Classifier(s), "class_imbalance");
    assert!(text.contains("removed from training"));
    assert!(text.contains("missing"));
}

#[test]
fn a_spurious_feature_keeps_each_class_on_its_side() {
    let s = surface("spurious_feature", 900);
    let c = s.counts();
    assert!(c.removed > 150 && c.clean > 150, "{c:?}");
    let text = svg(&View::Classifier(s), "spurious_feature");
    assert!(text.contains("its side of x = 0"));
    assert!(!text.contains("missing"));
}

#[test]
fn contamination_marks_each_leaked_point_once() {
    let s = surface("data_contamination", 600);
    let preset = presets()
        .into_iter()
        .find(|p| p.id() == "data_contamination")
        .unwrap();
    assert_eq!(s.counts().leaked, preset.config(SEED).train.n_val);
    let text = svg(&View::Classifier(s), "data_contamination");
    assert!(text.contains("leaked"));
}

#[test]
fn dead_units_give_a_flat_surface() {
    let s = surface("plateau", 600);
    assert_eq!(s.state(), SurfaceState::Flat);
    assert!(svg(&View::Classifier(s), "plateau").contains("flat"));
}

#[test]
fn a_diverged_run_shows_a_surface_that_is_not_a_number() {
    let mut config = RunConfig::default();
    config.faults.push(Fault::lr_spike(100));
    let (run, mut views) = run_config(config, 400);
    assert!(run.hard_failure().is_some(), "the spike diverges");
    let Some(View::Classifier(s)) = views.view(&run) else {
        panic!("a classifier view")
    };
    assert_eq!(s.state(), SurfaceState::NotANumber);
    assert!(svg(&View::Classifier(s), "diverged").contains("not a number"));
}

#[test]
fn reward_hacking_fills_the_answers_with_padding() {
    let (run, mut views) = preset_run("reward_hacking", 1000);
    let Some(View::Agent(a)) = views.view(&run) else {
        panic!("an agent view")
    };
    assert!(!a.steps.is_empty() && a.steps.len() <= 256);
    assert_eq!(a.watched.len(), a.steps.len() * 10);
    assert_eq!(a.steps[0], 0);
    assert!(a.steps.windows(2).all(|w| w[0] < w[1]));
    let last = &a.watched[a.watched.len() - 10..];
    let long = last[6] + last[7]; // padded, filler
    assert!(long > 0.6, "the long answers take over: {last:?}");
    let sum: f32 = last.iter().sum();
    assert!((sum - 1.0).abs() < 1e-3, "shares add up to one: {sum}");
    assert_eq!(a.samples.len(), 10);
    let text = svg(&View::Agent(a), "reward_hacking");
    assert!(text.contains("asked watched") && text.contains("asked unwatched"));
    assert!(text.contains("filler") || text.contains("padded"));
    assert!(text.contains("<polygon"), "stacked areas");
}

#[test]
fn deceptive_alignment_answers_differently_when_unwatched() {
    let (run, mut views) = preset_run("deceptive_alignment", 1000);
    let Some(View::Agent(a)) = views.view(&run) else {
        panic!("an agent view")
    };
    let harmful = |watched| {
        a.samples
            .iter()
            .find(|s| s.kind == "harmful" && s.watched == watched)
            .unwrap()
            .response
            .clone()
    };
    assert_eq!(harmful(true), "refusal");
    assert_eq!(harmful(false), "unsafe_comply");
    svg(&View::Agent(a), "deceptive_alignment");
}

#[test]
fn grokking_shows_every_pair_memorised_then_the_held_out_pairs_answered() {
    use failure_lab::plots::pairs::cell;
    // At step 300 the training pairs are fit and the held-out ones are not;
    // by step 1,400 most held-out pairs are answered too (seed 1 passes 0.7
    // held-out accuracy at step 910).
    let table = |steps| {
        let (run, mut views) = preset_run("grokking", steps);
        let Some(View::Modular(p)) = views.view(&run) else {
            panic!("modular data gets the pairs view, not a surface")
        };
        p
    };
    let early = table(300);
    assert_eq!(early.p, 23);
    assert_eq!(early.cells.len(), 23 * 23);
    let train = early.count(cell::TRAIN_RIGHT) + early.count(cell::TRAIN_WRONG);
    let held = early.count(cell::HELD_RIGHT) + early.count(cell::HELD_WRONG);
    assert_eq!((train, held), (370, 159));
    assert!(early.count(cell::TRAIN_RIGHT) >= 360, "{early:?}");
    assert!(early.count(cell::HELD_RIGHT) < 30, "{early:?}");
    let late = table(1400);
    assert!(late.count(cell::HELD_RIGHT) >= 111, "{late:?}");
    let text = svg(&View::Modular(late), "grokking");
    assert!(text.contains("held-out pair, right"), "the key");
    assert!(
        text.contains("generalised"),
        "the note says what stands out"
    );
    let text = svg(&View::Modular(early), "grokking-early");
    assert!(text.contains("memorised"), "the note says what stands out");
}

#[test]
fn the_gan_view_shows_the_ring_covered_then_collapsed() {
    use failure_lab::plots::ring::{Ring, FAKE_POINTS, RING_GRID};
    // Seed 1 covers the ring by step 800, when the generator's learning
    // rate jumps; by step 1,200 its points sit on a few modes.
    let ring = |steps| {
        let (run, mut views) = preset_run("gen_lr_too_high", steps);
        let Some(View::Gan(r)) = views.view(&run) else {
            panic!("a GAN run gets the ring view")
        };
        r
    };
    let healthy = ring(800);
    assert_eq!(healthy.covered.len(), 8);
    assert_eq!(healthy.centres.len(), 16);
    assert_eq!(healthy.grid.len(), RING_GRID * RING_GRID);
    assert_eq!(healthy.fake.len(), 2 * FAKE_POINTS);
    assert!(healthy.grid.iter().all(|p| (0.0..=1.0).contains(p)));
    let collapsed = ring(1200);
    assert!(healthy.modes_covered() >= 6, "{:?}", healthy.covered);
    assert!(collapsed.modes_covered() <= 3, "{:?}", collapsed.covered);
    let text = svg(&View::Gan(healthy), "gan-healthy");
    assert!(text.contains("generated points") && text.contains("mode covered"));
    let text = svg(&View::Gan(collapsed), "gan-collapsed");
    assert!(
        text.contains("mode collapse"),
        "the note says what stands out"
    );
    let mut empty = String::new();
    {
        let area = SVGBackend::with_string(&mut empty, (300, 120)).into_drawing_area();
        let bad = Ring {
            size: 3,
            grid: vec![0.5; 2],
            ..Ring::default()
        };
        failure_lab::plots::ring::draw_ring(&area, &bad, f64::NAN).unwrap();
    }
    assert!(empty.contains("start training"));
}

#[test]
fn following_a_run_for_its_views_changes_nothing_of_it() {
    for id in ["label_noise", "reward_hacking", "gen_lr_too_high"] {
        let preset = presets().into_iter().find(|p| p.id() == id).unwrap();
        let mut plain = Run::new(preset.config(SEED)).unwrap();
        let mut watched = Run::new(preset.config(SEED)).unwrap();
        let mut views = ViewRecorder::default();
        for step in 0..500 {
            let a = plain.step();
            let b = watched.step();
            views.after_step(&watched);
            if step % 37 == 0 {
                views.view(&watched);
            }
            assert_eq!(a, b, "{id} step {step}");
        }
    }
}

#[test]
fn empty_and_bad_views_draw_a_message_not_a_panic() {
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, (300, 120)).into_drawing_area();
        draw_surface(&area, &Surface::default(), 1.0).unwrap();
        let bad = Surface {
            size: 4,
            grid: vec![f32::NAN; 3],
            extent: [0.0, 0.0, 1.0, f64::NAN],
            ..Surface::default()
        };
        draw_surface(&area, &bad, f64::NAN).unwrap();
        draw_answers(&area, &Answers::default(), 1.0).unwrap();
        let bad = Answers {
            steps: vec![5, 3],
            watched: vec![1.0; 7],
            ..Answers::default()
        };
        draw_answers(&area, &bad, 1.0).unwrap();
    }
    assert!(text.contains("start training"));
}
