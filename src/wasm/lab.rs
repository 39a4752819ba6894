//! The live run: [`Lab`] trains, applies faults and runs the detectors, in
//! the page's training Worker (`www/train-worker.js`); [`Lab::drain`] hands
//! over what is new since the last call for the page's drawing copy
//! ([`LiveView`](super::LiveView)).

use plotters::prelude::RGBColor;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::live;
use super::{error, from_js, to_js};
use crate::detectors::{self, Severity};
use crate::monitor::Series;
use crate::plots;
use crate::plots::view::ViewRecorder;
use crate::run::{Run, RunConfig};
use crate::scenarios::fault::{FaultDoc, FieldDoc};
use crate::scenarios::Fault;
use crate::scenarios::Scenario;

/// One training run in the browser: trainer, faults, detectors and history.
///
/// With the automatic response on, the lab also runs the same run (same
/// seed, same faults, switched at the same steps) without it, in lockstep:
/// the twin the charts draw faint for comparison.
#[wasm_bindgen]
pub struct Lab {
    config: RunConfig,
    run: Run,
    twin: Option<Run>,
    sent: Sent,
    /// Whether the last [`Lab::advance`] stopped before its `n` steps were
    /// due to stop: at a critical finding, or at the end of a failed run.
    halted: bool,
    /// Follows the run for its view of the failure.
    views: ViewRecorder,
    /// The step of the last view made (None: none since the start).
    viewed: Option<u64>,
}

/// How many steps an agent's run goes on after its hard failure at step
/// `failed` before the page stops it: half as many again, at least 100 (the
/// agent's faults start at step 300 and fail 50 to 300 steps later, so the
/// onset sits at about half the chart's width, the failure at about two
/// thirds).
pub fn run_out(failed: u64) -> u64 {
    (failed / 2).max(100)
}

/// What [`Lab::drain`] has handed over so far: the point count of each
/// metric of the run and of its twin, and the findings and responses.
#[derive(Debug, Default)]
struct Sent {
    run: Vec<usize>,
    twin: Vec<usize>,
    findings: usize,
    responses: usize,
}

/// The points of `series` not handed over yet, as JS objects `{name, twin,
/// keep, steps, values}` (Float64Arrays) pushed onto `out`: the receiver
/// keeps its first `keep` points of the metric and appends these. `edits`
/// ([`History::take_edits`](crate::monitor::History::take_edits)) say from
/// where the history rewrote a metric since the last drain; `sent` counts
/// what was handed over.
fn drain_series(
    series: &[Series],
    edits: &[Option<usize>],
    sent: &mut Vec<usize>,
    twin: bool,
    out: &js_sys::Array,
) -> Result<(), JsError> {
    sent.resize(series.len(), 0);
    for ((s, edit), sent) in series.iter().zip(edits).zip(sent.iter_mut()) {
        let from = edit.map_or(*sent, |e| e.min(*sent)).min(s.steps.len());
        if from == s.steps.len() && from == *sent {
            continue;
        }
        let steps: Vec<f64> = s.steps[from..].iter().map(|&x| x as f64).collect();
        let item = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            js_sys::Reflect::set(&item, &JsValue::from_str(k), v)
                .map(|_| ())
                .map_err(|_| JsError::new("drain: could not build the batch"))
        };
        set("name", &JsValue::from_str(&s.name))?;
        set("twin", &JsValue::from_bool(twin))?;
        set("keep", &JsValue::from_f64(from as f64))?;
        set("steps", &js_sys::Float64Array::from(&steps[..]).into())?;
        set(
            "values",
            &js_sys::Float64Array::from(&s.values[from..]).into(),
        )?;
        out.push(&item);
        *sent = s.steps.len();
    }
    Ok(())
}

/// The run of `config` and, when it responds, its twin that does not.
fn runs_of(config: &RunConfig) -> Result<(Run, Option<Run>), JsError> {
    let run = Run::new(config.clone()).map_err(|e| error("settings", e))?;
    let twin = if config.respond.enabled {
        let mut plain = config.clone();
        plain.respond.enabled = false;
        Some(Run::new(plain).map_err(|e| error("settings", e))?)
    } else {
        None
    };
    Ok((run, twin))
}

/// Rust-only helpers (not exported).
impl Lab {
    /// The run, for Rust callers and tests.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// Whether the run failed for good and, for an agent, its run-out
    /// ([`run_out`]) is over: the page takes no more steps.
    fn run_is_over(&self) -> bool {
        (self.run.hard_failure()).is_some_and(|failed| self.run.steps() > failed + run_out(failed))
    }
}

/// A fault the page can offer: its id, what the page says about it (from
/// its file's [`FaultDoc`]) and its settings at their defaults.
#[derive(Serialize)]
struct FaultChoice {
    id: &'static str,
    title: &'static str,
    text: &'static str,
    fields: &'static [FieldDoc],
    defaults: Fault,
}

fn hex(RGBColor(r, g, b): RGBColor) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Reads a fault's settings (a Fault as a plain object with its `kind`).
fn read_fault(settings: JsValue, what: &str) -> Result<Fault, JsError> {
    let fault =
        from_js::<Option<Fault>>(settings, what)?.ok_or_else(|| error(what, "no settings"))?;
    fault.validate().map_err(|e| error(what, e))?;
    Ok(fault)
}

#[wasm_bindgen]
impl Lab {
    /// A lab for `config` (a RunConfig as a plain object; undefined = defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Lab, JsError> {
        let config: RunConfig = from_js(config, "settings")?;
        // The page reads a Pause between steps: a step must stay short.
        crate::settings::check_step_cost(&config).map_err(|e| error("settings", e))?;
        let (run, twin) = runs_of(&config)?;
        Ok(Lab {
            config,
            run,
            twin,
            sent: Sent::default(),
            halted: false,
            views: ViewRecorder::default(),
            viewed: None,
        })
    }

    /// The default settings, as a plain object.
    #[wasm_bindgen(js_name = defaultConfig)]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&RunConfig::default())
    }

    /// Every detector's documentation: id, title, family, what, why, threshold.
    pub fn detectors() -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Doc {
            id: &'static str,
            title: &'static str,
            family: &'static str,
            course_baseline: bool,
            what: &'static str,
            why: &'static str,
            threshold: &'static str,
        }
        let docs: Vec<Doc> = detectors::REGISTRY
            .iter()
            .map(|d| Doc {
                id: d.id,
                title: d.title,
                family: d.family,
                course_baseline: d.course_baseline,
                what: d.what,
                why: d.why,
                threshold: d.threshold,
            })
            .collect();
        to_js(&docs)
    }

    /// Every fault `scenario` ("classifier", the default, or "agent")
    /// offers, in display order: `{id, title, text, fields, defaults}`,
    /// `fields` each `{name, label, range: [lo, hi] | null, options}` and
    /// `defaults` the settings (and `kind`) at their defaults. The page
    /// words its fault panel from these alone.
    pub fn faults(scenario: JsValue) -> Result<JsValue, JsError> {
        let scenario: Scenario = if scenario.is_undefined() || scenario.is_null() {
            Scenario::default()
        } else {
            match super::text_arg(&scenario, "scenario")?.as_str() {
                "" => Scenario::default(),
                id => serde_json::from_value(serde_json::Value::String(id.to_string()))
                    .map_err(|e| error("scenario", crate::config::plain_words(&e.to_string())))?,
            }
        };
        let choices: Vec<FaultChoice> = Fault::docs_for(scenario)
            .iter()
            .filter_map(|doc: &'static FaultDoc| {
                Fault::default_for(doc.id).map(|defaults| FaultChoice {
                    id: doc.id,
                    title: doc.title,
                    text: doc.text,
                    fields: doc.fields,
                    defaults,
                })
            })
            .collect();
        to_js(&choices)
    }

    /// Checks a fault's settings (a Fault as a plain object with its
    /// `kind`); returns them complete, or throws naming the bad setting.
    #[wasm_bindgen(js_name = checkFault)]
    pub fn check_fault(settings: JsValue) -> Result<JsValue, JsError> {
        let fault = read_fault(settings, "fault")?;
        to_js(&fault)
    }

    /// Takes up to `n` steps; returns how many were taken (fewer once the
    /// run has failed for good). The twin keeps step with the run until it
    /// fails.
    pub fn step(&mut self, n: u32) -> u32 {
        let mut taken = 0;
        while taken < n && self.run.step().is_some() {
            self.views.after_step(&self.run);
            if let Some(twin) = &mut self.twin {
                twin.step();
            }
            taken += 1;
        }
        taken
    }

    /// Takes up to `n` steps as [`Lab::step`] does; with
    /// `stop_on_critical`, stops right after a step whose findings include a
    /// critical one the automatic response did not act on. Returns the
    /// steps taken; [`Lab::halted`] says whether it stopped for a reason
    /// (which a critical finding on the `n`th step is, though all `n` steps
    /// were taken).
    pub fn advance(&mut self, n: u32, stop_on_critical: bool) -> u32 {
        let mut taken = 0;
        self.halted = false;
        while taken < n {
            if self.run_is_over() {
                self.halted = true;
                break;
            }
            let Some(outcome) = self.run.step() else {
                self.halted = true;
                break;
            };
            self.views.after_step(&self.run);
            if let Some(twin) = &mut self.twin {
                twin.step();
            }
            taken += 1;
            // A failed run stops: a classifier's at its failure (its loss is
            // not finite, `Run::step` takes no more); an agent's, which can
            // go on training, after a run-out, so the whole-run charts show
            // the fault, the warning, the failure and what follows it
            // rather than the failure pressed against their right edge.
            if self.run_is_over() {
                self.halted = true;
                break;
            }
            // A critical finding the automatic response acted on does not
            // stop the run: the response is the answer, and the run goes on.
            // After the hard failure (an agent's run-out) there is nothing
            // left to pause for: the run has failed, and the run-out shows
            // what follows.
            if stop_on_critical
                && outcome.response.is_none()
                && self.run.hard_failure().is_none()
                && outcome
                    .findings
                    .iter()
                    .any(|f| f.severity == Severity::Critical)
            {
                self.halted = true;
                break;
            }
        }
        taken
    }

    /// Whether the last [`Lab::advance`] stopped at a critical finding or at
    /// the end of a failed run: the caller should stop asking for steps.
    pub fn halted(&self) -> bool {
        self.halted
    }

    /// What is new since the last call (since step 0 after a reset): `{steps,
    /// hard_failure, series, findings, responses, twin}`, `series` an array
    /// of `{name, twin, keep, steps, values}` with Float64Arrays (for each
    /// metric of the run and its twin: keep the first `keep` points sent
    /// before, then append these; the history rewrites its older points as
    /// it thins them), `findings` and
    /// `responses` the new ones, `twin` as [`Lab::twin`] says.
    pub fn drain(&mut self) -> Result<JsValue, JsError> {
        let series = js_sys::Array::new();
        let edits = self.run.take_history_edits();
        drain_series(
            self.run.monitor().history.series(),
            &edits,
            &mut self.sent.run,
            false,
            &series,
        )?;
        if let Some(twin) = &mut self.twin {
            let edits = twin.take_history_edits();
            drain_series(
                twin.monitor().history.series(),
                &edits,
                &mut self.sent.twin,
                true,
                &series,
            )?;
        }
        let findings = self.findings(self.sent.findings)?;
        self.sent.findings = self.run.monitor().findings().len();
        let responses = self.responses(self.sent.responses)?;
        self.sent.responses = self.run.responses().len();
        let out = js_sys::Object::new();
        let hard = self.hard_failure().map_or(JsValue::NULL, JsValue::from_f64);
        for (k, v) in [
            ("steps", JsValue::from_f64(self.steps())),
            ("hard_failure", hard),
            ("series", series.into()),
            ("findings", findings),
            ("responses", responses),
            ("twin", self.twin()?),
        ] {
            js_sys::Reflect::set(&out, &JsValue::from_str(k), &v)
                .map_err(|_| JsError::new("drain: could not build the batch"))?;
        }
        Ok(out.into())
    }

    /// Starts the same run again from step 0: same seed and settings, and
    /// the faults switched on now, each from its own start step (whether
    /// it was configured at the start or switched on mid-run).
    pub fn reset(&mut self) -> Result<(), JsError> {
        (self.run, self.twin) = runs_of(&self.config)?;
        self.sent = Sent::default();
        self.halted = false;
        self.views.clear();
        self.viewed = None;
        Ok(())
    }

    /// The view of the failure itself at the current step, or null when
    /// the last view was of this step: for a classifier `{learner:
    /// "classifier", step, size, extent, grid, points}` (`grid` the
    /// network's margin on a size x size grid, `points` x, y, label, mark
    /// each: Float32Arrays), for an agent `{learner: "agent", step, steps,
    /// watched, unwatched, samples}`. It reads the run only: no metric
    /// changes. The training Worker asks for it at its cadence.
    pub fn view(&mut self) -> Result<JsValue, JsError> {
        let step = self.run.steps();
        if self.viewed == Some(step) {
            return Ok(JsValue::NULL);
        }
        self.viewed = Some(step);
        match self.views.view(&self.run) {
            Some(v) => super::views::view_to_js(&v),
            None => Ok(JsValue::NULL),
        }
    }

    /// The run's whole config, as a plain object (every field, defaults
    /// filled in; faults switched on mid-run included).
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(&self.config)
    }

    /// Whether the run has a twin without the automatic response.
    #[wasm_bindgen(js_name = hasTwin)]
    pub fn has_twin(&self) -> bool {
        self.twin.is_some()
    }

    /// How the twin without the response is doing: `{steps, hard_failure,
    /// loss}` (its latest loss), or undefined without a twin.
    pub fn twin(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Twin {
            steps: u64,
            hard_failure: Option<u64>,
            loss: Option<f64>,
        }
        match &self.twin {
            None => Ok(JsValue::UNDEFINED),
            Some(t) => to_js(&Twin {
                steps: t.steps(),
                hard_failure: t.hard_failure(),
                loss: t
                    .monitor()
                    .history
                    .get(crate::metrics::names::LOSS)
                    .and_then(|s| s.values.last().copied()),
            }),
        }
    }

    /// What the automatic response did, from index `from` on: `{step,
    /// detector, action}` each.
    pub fn responses(&self, from: usize) -> Result<JsValue, JsError> {
        let all = self.run.responses();
        to_js(&all[from.min(all.len())..])
    }

    /// Switches fault `id` on with `settings` (a Fault as a plain object with
    /// its `kind`), or off when `settings` is null or undefined.
    #[wasm_bindgen(js_name = setFault)]
    pub fn set_fault(&mut self, id: JsValue, settings: JsValue) -> Result<(), JsError> {
        let id = &super::text_arg(&id, "fault: its id")?;
        let what = format!("fault {id}");
        let fault = if settings.is_undefined() || settings.is_null() {
            None
        } else {
            Some(read_fault(settings, &what)?)
        };
        if let Some(f) = &fault {
            if f.id() != id {
                return Err(error(&what, format!("settings are for {}", f.id())));
            }
        }
        self.run
            .set_fault(id, fault.clone())
            .map_err(|e| error(&what, e))?;
        if let Some(twin) = &mut self.twin {
            twin.set_fault(id, fault.clone())
                .map_err(|e| error(&what, e))?;
        }
        // The configuration [`Lab::reset`] replays follows the faults as
        // they are now (a fault switched on mid-run starts at its own
        // `at_step`), in the order the run applies them.
        self.config.faults.retain(|f| f.id() != id);
        self.config.faults.extend(fault);
        Ok(())
    }

    /// Steps taken so far.
    pub fn steps(&self) -> f64 {
        self.run.steps() as f64
    }

    /// The step whose loss first stopped being finite, or undefined.
    #[wasm_bindgen(js_name = hardFailure)]
    pub fn hard_failure(&self) -> Option<f64> {
        self.run.hard_failure().map(|s| s as f64)
    }

    /// Findings from index `from` on (pass the count you already have).
    pub fn findings(&self, from: usize) -> Result<JsValue, JsError> {
        let all = self.run.monitor().findings();
        to_js(&all[from.min(all.len())..])
    }

    /// The ground truth of every fault switched on.
    #[wasm_bindgen(js_name = groundTruth)]
    pub fn ground_truth(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.ground_truth())
    }

    /// The latest value of every metric, as a plain object (plus `step`).
    pub fn latest(&self) -> Result<JsValue, JsError> {
        live::latest(self.run.monitor().history.series(), self.run.steps())
    }

    /// Names of the metrics recorded so far.
    #[wasm_bindgen(js_name = metricNames)]
    pub fn metric_names(&self) -> Vec<String> {
        super::metric_names(self.run.monitor().history.series())
    }

    /// Values of metric `name` (empty when never reported).
    pub fn values(&self, name: JsValue) -> Vec<f64> {
        let name = &super::name_arg(&name);
        super::values(self.run.monitor().history.series(), name)
    }

    /// Steps of metric `name`'s values.
    #[wasm_bindgen(js_name = stepsOf)]
    pub fn steps_of(&self, name: JsValue) -> Vec<f64> {
        let name = &super::name_arg(&name);
        super::steps_of(self.run.monitor().history.series(), name)
    }

    /// The colour of a severity ("info", "warning", "critical") as #rrggbb.
    #[wasm_bindgen(js_name = severityColor)]
    pub fn severity_color(severity: JsValue) -> String {
        hex(plots::severity_color(
            Severity::parse(&super::name_arg(&severity)).unwrap_or(Severity::Info),
        ))
    }

    /// The line colours of runs drawn together, in order, as #rrggbb.
    pub fn palette() -> Vec<String> {
        plots::PALETTE.iter().map(|&c| hex(c)).collect()
    }
}
