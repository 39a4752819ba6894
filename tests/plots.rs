//! Every chart the page draws, rendered natively to SVG from real data: the
//! live charts of a short real run (one run; with the run without the
//! response; several stored runs; per-layer metrics; the agent's charts) and
//! the Evaluate panel's lead-time histograms and sweep curves from a small
//! evaluation report, built as `www/eval.js` builds them.

use std::borrow::Cow;

use failure_lab::detectors::Severity;
use failure_lab::eval::{leads, Settings, Suite};
use failure_lab::plots::eval::{Curve, CurvePoint, Curves, Group, Histogram};
use failure_lab::plots::palette::{colour, hex, severity_color, GHOST, INK};
use failure_lab::plots::{self, markers, PlotArea, RunsChart, Scale, Trace};
use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::Fault;
use failure_lab::scenarios::Scenario;
use plotters::prelude::*;

/// A run of `steps` steps of `config`.
fn run(config: RunConfig, steps: u32) -> Run {
    let mut run = Run::new(config).unwrap();
    for _ in 0..steps {
        if run.step().is_none() {
            break;
        }
    }
    run
}

/// The spiking run with the response on, and its twin without it.
fn spiking_runs() -> (Run, Run) {
    let mut config = RunConfig::default();
    config.train.seed = 7;
    config.faults.push(Fault::lr_spike(150));
    let twin = run(config.clone(), 300);
    config.respond.enabled = true;
    (run(config, 300), twin)
}

/// `f` drawing on a 720 x 260 SVG; the SVG text (lower-case) and what `f`
/// returned.
fn render<T>(f: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> T) -> (String, T) {
    let mut text = String::new();
    let out = {
        let area = SVGBackend::with_string(&mut text, (720, 260)).into_drawing_area();
        f(&area)
    };
    (text.to_lowercase(), out)
}

fn chart<'a>(metrics: &'a [String], scale: Scale) -> RunsChart<'a> {
    RunsChart {
        metrics,
        title: None,
        scale,
        range: None,
        pixel_ratio: 1.0,
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Checks what every chart of runs must show.
fn check_frame(svg: &str, plot: &PlotArea) {
    assert!(svg.len() > 2_000, "a non-trivial svg: {} bytes", svg.len());
    assert!(svg.contains("<polyline"), "a series' path");
    assert!(plot.left < plot.right && plot.top < plot.bottom);
    assert!(plot.x0 < plot.x1);
}

#[test]
fn the_live_charts_of_a_real_run_draw_lines_markers_actions_and_the_twin() {
    let (live, twin) = spiking_runs();
    assert!(!live.monitor().findings().is_empty(), "the spike is found");
    assert!(!live.responses().is_empty(), "and answered");
    let actions: Vec<u64> = live.responses().iter().map(|r| r.step).collect();
    let traces = [
        Trace {
            label: "with response",
            series: live.monitor().history.series(),
            ghost: false,
            markers: markers(live.monitor().findings()),
            actions: &actions,
        },
        Trace {
            label: "without response",
            series: twin.monitor().history.series(),
            ghost: true,
            markers: Cow::Borrowed(&[]),
            actions: &[],
        },
    ];
    // The page's default charts, each as the page asks for it.
    for name in ["loss", "grad_norm", "val_acc", "lr"] {
        let metrics = strings(&[name]);
        let (svg, plot) =
            render(|a| plots::draw_runs(a, &chart(&metrics, Scale::Auto), &traces, Some(0)));
        let plot = plot.unwrap();
        check_frame(&svg, &plot);
        assert!(svg.contains(name), "{name}: titled");
        assert!(
            svg.contains("with response") && svg.contains("without response"),
            "{name}: legend"
        );
        assert!(
            svg.contains(&hex(colour(0))),
            "{name}: the live run's colour"
        );
        assert!(svg.contains(&hex(GHOST)), "{name}: the twin in grey");
        for f in live.monitor().findings() {
            assert!(
                svg.contains(&hex(severity_color(f.severity))),
                "{name}: a marker of each severity"
            );
        }
        assert!(
            svg.contains(&hex(INK)),
            "{name}: action triangles and title ink"
        );
        assert!(svg.matches("<text").count() > 6, "{name}: axis labels");
    }
    // A zoomed, titled chart on a log axis, marked with the critical colour.
    let metrics = strings(&["loss", "val_loss"]);
    let zoomed = RunsChart {
        title: Some("Loss"),
        range: Some((100.0, 250.0)),
        scale: Scale::Log,
        pixel_ratio: 2.0,
        ..chart(&metrics, Scale::Log)
    };
    let (svg, plot) = render(|a| plots::draw_runs(a, &zoomed, &traces[..1], Some(0)));
    let plot = plot.unwrap();
    check_frame(&svg, &plot);
    assert_eq!((plot.x0, plot.x1), (100, 250));
    assert!(plot.log);
    assert!(
        svg.contains("loss") && svg.contains("val_loss"),
        "one key per metric"
    );
    assert!(svg.contains(&hex(colour(1))), "the second metric's colour");
}

#[test]
fn stored_runs_overlaid_and_per_layer_metrics_draw_with_a_legend() {
    let (live, _) = spiking_runs();
    let calm = run(RunConfig::default(), 200);
    let traces = [
        Trace {
            label: "spike run",
            series: live.monitor().history.series(),
            ghost: false,
            markers: Cow::Borrowed(&[]),
            actions: &[],
        },
        Trace {
            label: "calm run",
            series: calm.monitor().history.series(),
            ghost: false,
            markers: markers(calm.monitor().findings()),
            actions: &[],
        },
    ];
    let metrics = strings(&["loss", "val_loss"]);
    let (svg, plot) =
        render(|a| plots::draw_runs(a, &chart(&metrics, Scale::Linear), &traces, Some(1)));
    check_frame(&svg, &plot.unwrap());
    for key in ["spike run", "calm run", "val_loss"] {
        assert!(svg.contains(key), "the legend names {key}");
    }
    assert!(
        svg.contains(&hex(colour(0))) && svg.contains(&hex(colour(1))),
        "a colour per run"
    );

    let metrics = strings(&["grad_norm/*"]);
    let (svg, plot) =
        render(|a| plots::draw_runs(a, &chart(&metrics, Scale::Auto), &traces[1..], None));
    check_frame(&svg, &plot.unwrap());
    let layers = calm
        .monitor()
        .history
        .series()
        .iter()
        .filter(|s| plots::metric_matches("grad_norm/*", &s.name))
        .count();
    assert!(layers >= 2, "the default network reports each layer");
    assert!(
        svg.contains("grad_norm/0") && svg.contains("grad_norm/1"),
        "a key per layer"
    );

    let too_many = strings(&["loss"; 17]);
    let err = render(|a| plots::draw_runs(a, &chart(&too_many, Scale::Auto), &traces, None)).1;
    assert!(err.unwrap_err().contains("at most 16"));
    assert!(Scale::parse(Some("cubic"))
        .unwrap_err()
        .contains("linear, log or auto"));
}

#[test]
fn the_agent_charts_draw() {
    let config = RunConfig {
        scenario: Scenario::Agent,
        ..RunConfig::default()
    };
    let agent = run(config, 120);
    let traces = [Trace {
        label: "live run",
        series: agent.monitor().history.series(),
        ghost: false,
        markers: markers(agent.monitor().findings()),
        actions: &[],
    }];
    for name in ["reward", "true_quality", "diversity_ratio", "behavior_gap"] {
        let metrics = strings(&[name]);
        let (svg, plot) =
            render(|a| plots::draw_runs(a, &chart(&metrics, Scale::Auto), &traces, Some(0)));
        check_frame(&svg, &plot.unwrap());
        assert!(svg.contains(name));
    }
}

/// A small evaluation: one fault's cases and the clean ones, two seeds.
fn small_suite() -> Suite {
    let mut settings = Settings {
        seeds: 2,
        ..Settings::default()
    };
    settings.only_fault("lr_spike").unwrap();
    let mut suite = Suite::new(settings).unwrap();
    suite.run_all().unwrap();
    suite
}

#[test]
fn the_evaluate_panels_histograms_and_sweep_curves_draw_from_a_real_report() {
    let suite = small_suite();
    let report = suite.report();
    let leads = leads::lead_times(&suite);
    // As www/eval.js draws them: one histogram per detector, a shared axis.
    let max = leads
        .iter()
        .flat_map(|d| d.cases.iter().flat_map(|c| c.leads.iter().copied()))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut warned = 0;
    for d in &leads {
        let h = Histogram {
            title: format!("{}: warned in time", d.detector),
            x_label: "steps from first warning to failure".into(),
            groups: d
                .cases
                .iter()
                .enumerate()
                .map(|(i, c)| Group {
                    label: c.case.clone(),
                    color: i,
                    values: c.leads.iter().map(|&l| l as f64).collect(),
                })
                .collect(),
            max: Some(max),
            bins: None,
            empty: Some("never warned before a failure".into()),
            pixel_ratio: Some(1.0),
        };
        h.validate().unwrap();
        let (svg, drawn) = render(|a| plots::eval::histogram(a, &h));
        drawn.unwrap();
        assert!(svg.contains(&d.detector), "titled");
        assert!(
            svg.contains("steps from first warning"),
            "the axis description"
        );
        if h.groups.iter().any(|g| !g.values.is_empty()) {
            warned += 1;
            assert!(svg.contains("<rect"), "{}: bars", d.detector);
            assert!(
                svg.contains(&hex(colour(0))),
                "{}: the first fault's colour",
                d.detector
            );
        } else {
            assert!(
                svg.contains("never warned"),
                "{}: the empty text",
                d.detector
            );
        }
    }
    assert!(warned > 0, "some detector warned in time");

    // The sweep chart of each swept detector: a curve per fault.
    let detectors: Vec<&str> =
        report
            .sweeps
            .iter()
            .map(|s| s.detector)
            .fold(Vec::new(), |mut v, d| {
                if !v.contains(&d) {
                    v.push(d);
                }
                v
            });
    assert!(!detectors.is_empty(), "the report has sweeps");
    let cases: Vec<&str> =
        report
            .sweeps
            .iter()
            .map(|s| s.case.as_str())
            .fold(Vec::new(), |mut v, c| {
                if !v.contains(&c) {
                    v.push(c);
                }
                v
            });
    let mut drawn_points = 0;
    for detector in detectors {
        let rows: Vec<_> = report
            .sweeps
            .iter()
            .filter(|s| s.detector == detector)
            .collect();
        let curves: Vec<Curve> = cases
            .iter()
            .enumerate()
            .map(|(i, c)| Curve {
                label: c.to_string(),
                color: i,
                points: rows
                    .iter()
                    .filter(|r| r.case == *c && r.stats.false_alarm_rate.is_some())
                    .map(|r| CurvePoint {
                        x: r.stats.false_alarm_rate.unwrap(),
                        y: r.stats.lead.as_ref().map(|l| l.median),
                        label: Some(r.value.to_string()),
                        mark: r.default,
                    })
                    .collect(),
            })
            .filter(|k| k.points.iter().any(|p| p.y.is_some()))
            .collect();
        drawn_points += curves.iter().map(|c| c.points.len()).sum::<usize>();
        let c = Curves {
            title: format!("{detector}: {}", rows[0].parameter),
            x_label: "false-alarm rate (clean runs)".into(),
            y_label: "median lead (steps)".into(),
            curves,
            x_goal: Some((0.05, "goal ≤ 0.05".into())),
            empty: Some("no value warned before a failure".into()),
            pixel_ratio: Some(1.5),
        };
        c.validate().unwrap();
        let (svg, drawn) = render(|a| plots::eval::curves(a, &c));
        drawn.unwrap();
        assert!(svg.len() > 2_000);
        assert!(
            svg.contains(detector) && svg.contains("median lead"),
            "titled, axes described"
        );
        assert!(svg.contains("goal"), "the goal line's text");
        if c.curves.is_empty() {
            assert!(svg.contains("no value warned"));
        } else {
            assert!(svg.contains("<circle"), "{detector}: the points");
            assert!(
                svg.contains(&hex(colour(c.curves[0].color))),
                "{detector}: its colour"
            );
        }
    }
    assert!(drawn_points > 0, "some sweep drew points");
}

#[test]
fn severity_colours_are_the_pages() {
    assert_eq!(hex(severity_color(Severity::Info)), "#2563eb");
    assert_eq!(hex(severity_color(Severity::Warning)), "#d97706");
    assert_eq!(hex(severity_color(Severity::Critical)), "#dc2626");
    let css = std::fs::read_to_string("www/style.css").unwrap();
    for (name, s) in [
        ("info", Severity::Info),
        ("warning", Severity::Warning),
        ("critical", Severity::Critical),
    ] {
        assert!(
            css.contains(&format!("--{name}: {};", hex(severity_color(s)))),
            "style.css --{name}"
        );
    }
}
