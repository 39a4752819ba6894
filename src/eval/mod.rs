//! Evaluation: every scenario case times many seeds, graded for detection
//! accuracy, early-warning lead time and response success.
//!
//! The suite is a list of runs ([`Suite::new`]); each run trains for real,
//! and every detector under test reads its metric stream. It can be driven a
//! little at a time ([`Suite::advance`], for the browser between animation
//! frames), a run at a time ([`Suite::step_run`]), or natively on several
//! threads ([`Suite::run_parallel`]). Results are kept by run index, so the
//! [`Report`] is the same whatever the order or the thread count.
//!
//! The metric definitions are in [`score`].

pub mod cases;
pub mod external;
pub mod format;
pub mod leads;
pub mod report;
pub mod score;
pub mod sweep;

use std::sync::Arc;

use thiserror::Error;

use crate::config::ConfigError;
use crate::detectors::stats::RollingWindow;
use crate::detectors::{self, Detector, DetectorInfo, Severity};
use crate::metrics::{names, Frame};
use crate::run::{Run, RunConfig};
use crate::scenarios::Scenario;
use cases::Case;
pub use report::Report;
use score::{Firing, Truth};
use sweep::Sweep;

/// Switches the robust pipeline's automatic response on in a run config
/// (with its default settings).
pub const AUTO_RESPOND: Option<fn(&mut RunConfig)> = Some(|c| c.respond.enabled = true);

/// Builds a fresh detector under test.
pub type BuildFn = Arc<dyn Fn() -> Box<dyn Detector> + Send + Sync>;

/// A detector under test: a name for the tables and a way to build it.
#[derive(Clone)]
pub struct Candidate {
    /// Shown in tables (the registry id for registered detectors).
    pub id: String,
    /// Whether it is one of the course page's own detectors (the baseline).
    pub baseline: bool,
    /// Builds it, fresh, for each run.
    pub build: BuildFn,
}

impl std::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate")
            .field("id", &self.id)
            .field("baseline", &self.baseline)
            .finish_non_exhaustive()
    }
}

impl Candidate {
    /// A detector under test built by `build`.
    pub fn new(
        id: impl Into<String>,
        baseline: bool,
        build: impl Fn() -> Box<dyn Detector> + Send + Sync + 'static,
    ) -> Candidate {
        Candidate {
            id: id.into(),
            baseline,
            build: Arc::new(build),
        }
    }

    /// A registered detector with its default settings.
    pub fn from_info(info: &DetectorInfo) -> Candidate {
        let build = info.build;
        Candidate::new(info.id, info.course_baseline, build)
    }

    /// Every registered detector.
    pub fn registry() -> Vec<Candidate> {
        detectors::REGISTRY
            .iter()
            .map(Candidate::from_info)
            .collect()
    }
}

/// Why a suite cannot run.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum EvalError {
    /// A setting of the suite is out of range.
    #[error("{0}")]
    Setting(String),
    /// No faulty case has this fault.
    #[error("no case has the fault {id:?}; known faults: {known}")]
    UnknownFault {
        /// The fault asked for.
        id: String,
        /// The faults there are, comma-separated.
        known: String,
    },
    /// A case's run config was refused.
    #[error("case {case}, seed {seed}: {error}")]
    Config {
        /// The case's label.
        case: String,
        /// The seed.
        seed: u64,
        /// What was wrong.
        error: ConfigError,
    },
}

/// What the suite runs and how it grades.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Seeds per case (default 20).
    pub seeds: u64,
    /// The first seed; the suite uses `first_seed..first_seed + seeds` (default 1).
    pub first_seed: u64,
    /// The cases (default: every case of every scenario).
    pub cases: Vec<Case>,
    /// The detectors under test (default: the registry).
    pub detectors: Vec<Candidate>,
    /// Threshold sweeps (default: every sweep of a detector under test).
    pub sweeps: Vec<Sweep>,
    /// Switches auto-respond on for the response runs (None: not measured).
    pub respond: Option<fn(&mut RunConfig)>,
    /// Findings below this severity are ignored (default warning).
    pub min_severity: Severity,
    /// How much worse than before the onset a final validation loss may be
    /// for the run to count as healthy (default 0.1, i.e. 10%).
    pub health_tolerance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::with_detectors(Candidate::registry())
    }
}

impl Settings {
    /// The default suite grading `detectors` instead of the registry; sweeps
    /// are kept for those of them that have one.
    pub fn with_detectors(detectors: Vec<Candidate>) -> Settings {
        let sweeps = sweep::SWEEPS
            .iter()
            .filter(|s| detectors.iter().any(|d| d.id == s.detector))
            .copied()
            .collect();
        Settings {
            seeds: 20,
            first_seed: 1,
            cases: cases::cases(),
            detectors,
            sweeps,
            respond: AUTO_RESPOND,
            min_severity: Severity::Warning,
            health_tolerance: 0.1,
        }
    }

    /// Keeps only the faulty cases of fault `id` (and every clean case).
    pub fn only_fault(&mut self, id: &str) -> Result<(), EvalError> {
        if !self.cases.iter().any(|c| c.fault == Some(id)) {
            let mut known: Vec<&str> = self.cases.iter().filter_map(|c| c.fault).collect();
            known.dedup();
            return Err(EvalError::UnknownFault {
                id: id.to_string(),
                known: known.join(", "),
            });
        }
        self.cases.retain(|c| c.fault.map_or(true, |f| f == id));
        Ok(())
    }

    /// Checks the settings before use.
    pub fn validate(&self) -> Result<(), EvalError> {
        let bad = |m: &str| Err(EvalError::Setting(m.to_string()));
        if !(1..=10_000).contains(&self.seeds) {
            return bad("seeds must be between 1 and 10000");
        }
        if self.first_seed.checked_add(self.seeds).is_none() {
            return bad("first_seed is too large");
        }
        if self.cases.is_empty() {
            return bad("the suite needs at least one case");
        }
        if self
            .cases
            .iter()
            .any(|c| c.steps == 0 || c.steps > 1_000_000)
        {
            return bad("every case needs 1 to 1000000 steps");
        }
        if self.detectors.is_empty() {
            return bad("the suite needs at least one detector under test");
        }
        if self.sweeps.iter().any(|s| s.values.is_empty()) {
            return bad("every sweep needs at least one value");
        }
        if !(self.health_tolerance.is_finite() && (0.0..=10.0).contains(&self.health_tolerance)) {
            return bad("health_tolerance must be between 0 and 10");
        }
        Ok(())
    }
}

/// How far the suite has got, in runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Runs finished.
    pub done: usize,
    /// Runs in the suite.
    pub total: usize,
}

impl Progress {
    /// Whether every run has finished.
    pub fn finished(&self) -> bool {
        self.done == self.total
    }
}

/// One run of the suite: a case, a seed, and whether auto-respond is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// Index into the settings' cases.
    pub case: usize,
    /// The seed.
    pub seed: u64,
    /// Whether this is a response run (auto-respond on; only health is kept).
    pub respond: bool,
}

/// What one run left behind (serde: the page records a suite's runs in
/// several workers and gathers them in one, `eval::external`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunRecord {
    /// The run's truth.
    pub truth: Truth,
    /// The firings of each detector slot (detectors, then sweep variants).
    pub firings: Vec<Vec<Firing>>,
    /// (step, validation loss) as measured.
    pub val_losses: Vec<(u64, f64)>,
    /// The last validation accuracy measured, when the learner reports one.
    pub final_acc: Option<f64>,
    /// (step, held-out true quality in the worse of the watched and
    /// unwatched contexts) as measured: agent runs only.
    pub quality: Vec<(u64, f64)>,
    /// Mean diversity ratio of the last [`FINAL_DIVERSITY_STEPS`] steps:
    /// agent runs only.
    pub final_diversity: Option<f64>,
    /// Whether the run reached its steps (false: it failed for good, or
    /// kept being rolled back until [`MAX_STEPS_FACTOR`] times its steps).
    pub completed: bool,
}

/// Steps whose diversity ratio is averaged for an agent run's final one.
pub const FINAL_DIVERSITY_STEPS: usize = 50;

/// A run that keeps being rolled back ends after this many times its steps.
pub const MAX_STEPS_FACTOR: u64 = 4;

/// The detectors each observe run builds: those under test, then one per
/// sweep value.
fn slot_builders(settings: &Settings) -> Vec<BuildFn> {
    let mut slots: Vec<BuildFn> = settings.detectors.iter().map(|d| d.build.clone()).collect();
    for s in &settings.sweeps {
        for &v in s.values {
            let build = s.build;
            slots.push(Arc::new(move || build(v)));
        }
    }
    slots
}

/// A run in progress with its detectors.
struct ActiveRun {
    run: Run,
    steps: u64,
    respond: bool,
    /// The run refused another step: it failed for good.
    stopped: bool,
    /// Steps taken, counting those a rollback undid.
    taken: u64,
    fault: Option<&'static str>,
    detectors: Vec<Box<dyn Detector>>,
    firings: Vec<Vec<Firing>>,
    val_losses: Vec<(u64, f64)>,
    final_acc: Option<f64>,
    quality: Vec<(u64, f64)>,
    diversity: RollingWindow,
    /// Every frame the detectors read, when the run is recorded.
    frames: Option<Vec<Frame>>,
}

impl ActiveRun {
    fn start(job: Job, settings: &Settings, slots: &[BuildFn]) -> Result<ActiveRun, EvalError> {
        let case = &settings.cases[job.case];
        let mut config = (case.config)(job.seed);
        let mut detectors = Vec::new();
        if job.respond {
            if let Some(switch_on) = settings.respond {
                switch_on(&mut config);
            }
        } else {
            detectors = slots.iter().map(|b| b()).collect();
        }
        let run = Run::new(config).map_err(|error| EvalError::Config {
            case: case.label.clone(),
            seed: job.seed,
            error,
        })?;
        Ok(ActiveRun {
            run,
            steps: case.steps,
            respond: job.respond,
            stopped: false,
            taken: 0,
            fault: case.fault,
            firings: vec![Vec::new(); detectors.len()],
            detectors,
            val_losses: Vec::new(),
            final_acc: None,
            quality: Vec::new(),
            diversity: RollingWindow::new(FINAL_DIVERSITY_STEPS),
            frames: None,
        })
    }

    /// Takes up to `budget` steps; returns how many it took.
    fn advance(&mut self, budget: u64) -> u64 {
        let mut taken = 0;
        while taken < budget && !self.done() {
            let Some(out) = self.run.step() else {
                self.stopped = true;
                break;
            };
            taken += 1;
            self.taken += 1;
            if let Some(v) = out.frame.get(names::VAL_LOSS) {
                self.val_losses.push((out.frame.step, v));
            }
            if let Some(a) = out.frame.get(names::VAL_ACC) {
                self.final_acc = Some(a);
            }
            if let (Some(q), Some(gap)) = (
                out.frame.get(names::EVAL_QUALITY),
                out.frame.get(names::BEHAVIOR_GAP),
            ) {
                // Watched is q + gap / 2, unwatched q - gap / 2.
                self.quality.push((out.frame.step, q - 0.5 * gap.abs()));
            }
            if let Some(d) = out.frame.get(names::DIVERSITY_RATIO) {
                self.diversity.push(d);
            }
            for (d, firings) in self.detectors.iter_mut().zip(&mut self.firings) {
                if let Some(f) = d.observe(&out.frame) {
                    firings.push(Firing::from(&f));
                }
            }
            if let Some(frames) = &mut self.frames {
                frames.push(out.frame);
            }
        }
        taken
    }

    /// Whether the run has taken its steps or failed for good. A run stops
    /// on the step after its hard failure, unless a response rolled it back
    /// (then its step count goes back too, so the steps taken are capped).
    fn done(&self) -> bool {
        self.completed()
            || self.stopped
            || self.taken >= self.steps.saturating_mul(MAX_STEPS_FACTOR)
    }

    fn completed(&self) -> bool {
        self.run.steps() >= self.steps
    }

    fn finish(self) -> RunRecord {
        // Detection is graded against the first non-finite loss; a response
        // run has failed only if it could not go on from there.
        let hard_failure = self
            .run
            .hard_failure()
            .filter(|_| !self.respond || self.stopped);
        let truth = match self.fault {
            Some(id) => {
                let truth = self.run.ground_truth().into_iter().find(|g| g.fault == id);
                let onset = truth.as_ref().and_then(|g| g.onset);
                // A fault whose outcome is an event (a capability emerging)
                // is warned of before that event, as others before their
                // failure.
                match hard_failure {
                    Some(_) => Truth::faulty(onset, hard_failure),
                    None => Truth::emerging(onset, truth.and_then(|g| g.emerged)),
                }
            }
            None => Truth::clean(hard_failure),
        };
        RunRecord {
            truth,
            completed: self.completed(),
            firings: self.firings,
            val_losses: self.val_losses,
            final_acc: self.final_acc,
            quality: self.quality,
            final_diversity: (!self.diversity.is_empty()).then(|| self.diversity.mean()),
        }
    }
}

/// Runs one job start to finish.
fn execute(job: Job, settings: &Settings, slots: &[BuildFn]) -> Result<RunRecord, EvalError> {
    let mut active = ActiveRun::start(job, settings, slots)?;
    active.advance(u64::MAX);
    Ok(active.finish())
}

/// Runs `work` on every index of `pending` on `threads` threads, handing
/// each result to `on_result` on the calling thread as it comes; stops at
/// the first error and returns it.
#[cfg(not(target_arch = "wasm32"))]
fn on_threads<T: Send>(
    pending: &[usize],
    threads: usize,
    work: impl Fn(usize) -> Result<T, EvalError> + Sync,
    mut on_result: impl FnMut(usize, T),
) -> Result<(), EvalError> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::mpsc;

    let (next, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let (next, stop, work) = (&next, &stop, &work);
    let mut first_error = None;
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let tx = tx.clone();
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Some(&index) = pending.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    if tx.send((index, work(index))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (index, result) in rx {
            match result {
                Ok(value) => on_result(index, value),
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    first_error.get_or_insert(e);
                }
            }
        }
    });
    first_error.map_or(Ok(()), Err)
}

/// The evaluation suite: its runs, run incrementally, and their results.
pub struct Suite {
    settings: Settings,
    slots: Vec<BuildFn>,
    jobs: Vec<Job>,
    records: Vec<Option<RunRecord>>,
    next: usize,
    active: Option<(usize, ActiveRun)>,
}

/// Whether a case's learner has an automatic response to measure.
pub fn responds(case: &Case) -> bool {
    (Scenario::ALL.iter()).any(|s| s.id() == case.scenario && s.has_response())
}

impl Suite {
    /// A suite of every case times every seed, plus, when auto-respond can be
    /// switched on, a response run of every faulty case and seed.
    pub fn new(settings: Settings) -> Result<Suite, EvalError> {
        settings.validate()?;
        let seeds = settings.first_seed..settings.first_seed + settings.seeds;
        let mut jobs = Vec::new();
        for case in 0..settings.cases.len() {
            for seed in seeds.clone() {
                jobs.push(Job {
                    case,
                    seed,
                    respond: false,
                });
            }
        }
        if settings.respond.is_some() {
            for (case, c) in settings.cases.iter().enumerate() {
                if c.fault.is_some() && responds(c) {
                    for seed in seeds.clone() {
                        jobs.push(Job {
                            case,
                            seed,
                            respond: true,
                        });
                    }
                }
            }
        }
        Ok(Suite {
            slots: slot_builders(&settings),
            records: vec![None; jobs.len()],
            jobs,
            settings,
            next: 0,
            active: None,
        })
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Every run of the suite, in order.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// Runs finished so far, out of all.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.records.iter().filter(|r| r.is_some()).count(),
            total: self.jobs.len(),
        }
    }

    /// Takes up to `max_steps` training steps (at least one) across the
    /// suite's runs: a time slice for the browser.
    pub fn advance(&mut self, max_steps: u64) -> Result<Progress, EvalError> {
        let mut budget = max_steps.max(1);
        while budget > 0 {
            let (index, mut active) = match self.active.take() {
                Some(a) => a,
                None => {
                    let Some(index) = self.next_pending() else {
                        break;
                    };
                    (
                        index,
                        ActiveRun::start(self.jobs[index], &self.settings, &self.slots)?,
                    )
                }
            };
            budget -= active.advance(budget).min(budget);
            if active.done() {
                self.records[index] = Some(active.finish());
            } else {
                self.active = Some((index, active));
            }
        }
        Ok(self.progress())
    }

    /// Finishes the run in progress, or else runs the next one.
    pub fn step_run(&mut self) -> Result<Progress, EvalError> {
        if let Some((index, mut active)) = self.active.take() {
            active.advance(u64::MAX);
            self.records[index] = Some(active.finish());
        } else if let Some(index) = self.next_pending() {
            let record = execute(self.jobs[index], &self.settings, &self.slots)?;
            self.records[index] = Some(record);
        }
        Ok(self.progress())
    }

    /// Runs everything left, one run at a time.
    pub fn run_all(&mut self) -> Result<Progress, EvalError> {
        while !self.step_run()?.finished() {}
        Ok(self.progress())
    }

    /// Runs everything left on `threads` threads, calling `on_progress`
    /// after each run. The results do not depend on the thread count.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn run_parallel(
        &mut self,
        threads: usize,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<Progress, EvalError> {
        if self.active.is_some() {
            self.step_run()?;
        }
        let pending: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| self.records[i].is_none())
            .collect();
        let (settings, slots, jobs) = (&self.settings, &self.slots, &self.jobs);
        let total = jobs.len();
        let mut done = self.progress().done;
        let records = &mut self.records;
        on_threads(
            &pending,
            threads,
            |index| execute(jobs[index], settings, slots),
            |index, record| {
                records[index] = Some(record);
                done += 1;
                on_progress(Progress { done, total });
            },
        )?;
        Ok(self.progress())
    }

    /// What each run left behind, by job (None: not finished yet).
    pub fn records(&self) -> &[Option<RunRecord>] {
        &self.records
    }

    /// The report over the runs finished so far.
    pub fn report(&self) -> Report {
        Report::build(&self.settings, &self.jobs, &self.records)
    }

    fn next_pending(&mut self) -> Option<usize> {
        while self.next < self.jobs.len() && self.records[self.next].is_some() {
            self.next += 1;
        }
        (self.next < self.jobs.len()).then_some(self.next)
    }
}
