//! The report as text: aligned tables for a terminal, Markdown for the
//! docs, CSV blocks, and JSON lines.

use serde_json::{json, Map, Value};

use super::report::{Report, FALSE_ALARM_GOAL, RECALL_GOAL};
use super::score::{Spread, Stats};

/// The metric definitions, as written in the docs.
pub const DEFINITIONS: &str = include_str!("definitions.md");

/// A titled table of strings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// What the table shows.
    pub title: String,
    /// Column names.
    pub headers: Vec<String>,
    /// Cells, one row per line.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn new(title: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Whether column `i` holds numbers (or blanks), to be right-aligned.
    fn numeric(&self, i: usize) -> bool {
        self.rows.iter().all(|r| {
            let unsigned = r[i].strip_prefix('-').unwrap_or(&r[i]);
            r[i].is_empty() || r[i] == "-" || unsigned.starts_with(|c: char| c.is_ascii_digit())
        })
    }

    /// Columns padded to line up; numbers right-aligned, words left.
    pub fn text(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([self.headers[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, &w))| match self.numeric(i) {
                    true => format!("{c:>w$}"),
                    false => format!("{c:<w$}"),
                })
                .collect();
            padded.join("  ").trim_end().to_string() + "\n"
        };
        let mut out = format!("{}\n", self.title);
        out += &line(&self.headers);
        for r in &self.rows {
            out += &line(r);
        }
        out
    }

    /// A Markdown table under a level-3 heading.
    pub fn markdown(&self) -> String {
        let row = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let rule: Vec<String> = (0..self.headers.len())
            .map(|i| if self.numeric(i) { "---:" } else { "---" }.to_string())
            .collect();
        let mut out = format!("### {}\n\n", self.title);
        out += &row(&self.headers);
        out += &row(&rule);
        for r in &self.rows {
            out += &row(r);
        }
        out
    }

    /// A CSV block: a header line, then the rows (the title is left out).
    pub fn csv(&self) -> String {
        let quote = |c: &String| {
            if c.contains([',', '"', '\n']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        };
        let row = |cells: &[String]| cells.iter().map(quote).collect::<Vec<_>>().join(",") + "\n";
        let mut out = row(&self.headers);
        for r in &self.rows {
            out += &row(r);
        }
        out
    }
}

fn rate(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.2}"))
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn median(s: Option<Spread>) -> String {
    s.map_or("-".into(), |s| number(s.median))
}

fn range(s: Option<Spread>) -> String {
    s.map_or("-".into(), |s| {
        format!("{}-{}", number(s.p10), number(s.p90))
    })
}

fn verdict(v: Option<bool>) -> String {
    match v {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "n/a",
    }
    .into()
}

/// The detection tables: one per faulty case, or with `per_case` false,
/// one table of every row with the case and fault in its first columns.
fn detection_tables(report: &Report, per_case: bool) -> Vec<Table> {
    let headers = [
        "detector",
        "baseline",
        "runs",
        "recall",
        "precision",
        "false_alarm_rate",
        "pre_onset_alarm_rate",
        "median_delay_steps",
        "delay_p10_p90",
        "median_lead_steps",
        "lead_p10_p90",
    ];
    let mut cases: Vec<&str> = report.detection.iter().map(|r| r.case.as_str()).collect();
    cases.dedup();
    if !per_case {
        cases = vec![""];
    }
    let mut out = Vec::new();
    for case in cases {
        let rows: Vec<_> = report
            .detection
            .iter()
            .filter(|r| !per_case || r.case == case)
            .collect();
        let mut t = match (per_case, rows.first()) {
            (true, Some(first)) => Table::new(
                format!(
                    "Detection: {} ({}), {} runs, {}{}",
                    case,
                    first.scenario,
                    first.stats.runs,
                    outcomes(&first.stats),
                    match first.stats.failed_at_onset {
                        0 => String::new(),
                        n => format!(" ({n} on the onset step: left out of recall)"),
                    }
                ),
                &headers,
            ),
            _ => Table::new("Detection", &[&["case", "fault"][..], &headers].concat()),
        };
        for r in rows {
            let s = &r.stats;
            let mut row = if per_case {
                vec![]
            } else {
                vec![r.case.clone(), r.fault.to_string()]
            };
            row.extend([
                r.detector.clone(),
                if r.baseline { "*" } else { "" }.into(),
                s.runs.to_string(),
                rate(s.recall),
                rate(s.precision),
                rate(s.false_alarm_rate),
                rate(s.pre_onset_alarm_rate),
                median(s.delay),
                range(s.delay),
                median(s.lead),
                range(s.lead),
            ]);
            t.rows.push(row);
        }
        out.push(t);
    }
    out
}

/// Every table of the report, in reading order.
pub fn tables(report: &Report) -> Vec<Table> {
    let mut out = detection_tables(report, true);
    out.extend(summary_tables(report));
    out
}

/// The tables after detection: confusion, goals, response, sweeps.
fn summary_tables(report: &Report) -> Vec<Table> {
    let mut out = Vec::new();
    let c = &report.confusion;
    let mut headers = vec!["detector"];
    headers.extend(c.columns.iter().map(String::as_str));
    let mut t = Table::new(
        "Confusion: share of runs of each fault on which a detector fired after the onset \
         (clean: false-alarm rate)",
        &headers,
    );
    for (d, cells) in c.detectors.iter().zip(&c.cells) {
        let mut row = vec![d.clone()];
        row.extend(cells.iter().map(|&x| rate(x)));
        t.rows.push(row);
    }
    out.push(t);

    let mut t = Table::new(
        format!(
            "Goals: the lab's detectors together against the course baseline \
             (recall >= {RECALL_GOAL}, false alarms <= {FALSE_ALARM_GOAL}, lead gain > 0)"
        ),
        &[
            "case",
            "lab_recall",
            "lab_false_alarm_rate",
            "lab_median_lead",
            "baseline_recall",
            "baseline_false_alarm_rate",
            "baseline_median_lead",
            "median_lead_gain",
            "best_lab_detector",
            "recall_goal",
            "false_alarm_goal",
            "lead_goal",
        ],
    );
    for g in &report.goals {
        let field = |s: &Option<Stats>, f: fn(&Stats) -> String| s.as_ref().map_or("-".into(), f);
        t.rows.push(vec![
            g.case.clone(),
            field(&g.lab, |s| rate(s.recall)),
            field(&g.lab, |s| rate(s.false_alarm_rate)),
            field(&g.lab, |s| median(s.lead)),
            field(&g.baseline, |s| rate(s.recall)),
            field(&g.baseline, |s| rate(s.false_alarm_rate)),
            field(&g.baseline, |s| median(s.lead)),
            g.lead_gain.map_or("-".into(), number),
            g.best_lab
                .as_ref()
                .map_or("-".into(), |b| b.detector.clone()),
            verdict(g.recall_met),
            verdict(g.false_alarm_met),
            verdict(g.lead_beats_baseline),
        ]);
    }
    out.push(t);

    let mut t = Table::new(
        if report.response_measured {
            "Response success: share of runs that finish healthy, same seeds with and \
             without auto-respond (clean rows: control)"
        } else {
            "Response success: not measured (no auto-respond switch yet); without it only \
             (clean rows: control)"
        },
        &[
            "case",
            "runs",
            "healthy_without",
            "healthy_with",
            "failed_without",
            "failed_with",
        ],
    );
    for r in &report.response {
        t.rows.push(vec![
            r.case.clone(),
            r.runs_without.to_string(),
            rate(r.healthy_without),
            rate(r.healthy_with),
            rate(r.failed_without),
            rate(r.failed_with),
        ]);
    }
    out.push(t);

    let mut t = Table::new(
        "Threshold sweep: lead time against false alarms as the threshold moves",
        &[
            "detector",
            "parameter",
            "value",
            "default",
            "case",
            "recall",
            "false_alarm_rate",
            "precision",
            "median_delay_steps",
            "median_lead_steps",
            "lead_p10_p90",
        ],
    );
    for r in &report.sweeps {
        let s = &r.stats;
        t.rows.push(vec![
            r.detector.into(),
            r.parameter.into(),
            r.value.to_string(),
            if r.default { "*" } else { "" }.into(),
            r.case.clone(),
            rate(s.recall),
            rate(s.false_alarm_rate),
            rate(s.precision),
            median(s.delay),
            median(s.lead),
            range(s.lead),
        ]);
    }
    out.push(t);
    out
}

fn summary(report: &Report) -> String {
    format!(
        "{} of {} runs; seeds {}..={}; findings at severity >= {}",
        report.progress.done,
        report.progress.total,
        report.first_seed,
        report.first_seed + report.seeds.saturating_sub(1),
        report.min_severity.as_str()
    )
}

/// Aligned tables for a terminal.
pub fn text(report: &Report) -> String {
    let mut out = summary(report) + "\n\n";
    for t in tables(report) {
        out += &t.text();
        out += "\n";
    }
    out
}

/// The Markdown page: summary, definitions and every table.
pub fn markdown(report: &Report, command: &str) -> String {
    let mut out = format!(
        "# Evaluation\n\nGenerated by `{command}`: {}.\n\n## Definitions\n\n{DEFINITIONS}\n## Results\n\n",
        summary(report)
    );
    for t in tables(report) {
        out += &t.markdown();
        out += "\n";
    }
    out
}

/// CSV blocks (header and rows) separated by a blank line: detection (one
/// row per case and detector), confusion, goals, response, sweeps.
pub fn csv(report: &Report) -> String {
    let mut all = detection_tables(report, false);
    all.extend(summary_tables(report));
    all.iter().map(Table::csv).collect::<Vec<_>>().join("\n")
}

fn stats_fields(s: &Stats) -> Map<String, Value> {
    let spread = |m: &mut Map<String, Value>, name: &str, sp: Option<Spread>| {
        m.insert(format!("median_{name}_steps"), json!(sp.map(|s| s.median)));
        m.insert(format!("{name}_p10"), json!(sp.map(|s| s.p10)));
        m.insert(format!("{name}_p90"), json!(sp.map(|s| s.p90)));
        m.insert(format!("{name}_runs"), json!(sp.map_or(0, |s| s.n)));
    };
    let mut m = Map::new();
    m.insert("runs".into(), json!(s.runs));
    m.insert("runs_with_onset".into(), json!(s.runs_with_onset));
    m.insert("failed_at_onset".into(), json!(s.failed_at_onset));
    m.insert("hard_failures".into(), json!(s.hard_failures));
    m.insert("emerged".into(), json!(s.emerged));
    m.insert("clean_runs".into(), json!(s.clean_runs));
    m.insert("recall".into(), json!(s.recall));
    m.insert("precision".into(), json!(s.precision));
    m.insert("false_alarm_rate".into(), json!(s.false_alarm_rate));
    m.insert("pre_onset_alarm_rate".into(), json!(s.pre_onset_alarm_rate));
    m.insert(
        "fired_after_onset_rate".into(),
        json!(s.fired_after_onset_rate),
    );
    spread(&mut m, "delay", s.delay);
    spread(&mut m, "lead", s.lead);
    m
}

fn line(table: &str, head: Value, stats: Option<&Stats>) -> String {
    let mut m = Map::new();
    m.insert("table".into(), json!(table));
    if let Value::Object(h) = head {
        m.extend(h);
    }
    if let Some(s) = stats {
        m.extend(stats_fields(s));
    }
    Value::Object(m).to_string() + "\n"
}

/// One JSON object per line: a "detection" line per (fault, detector), then
/// "confusion", "goal", "response" and "sweep" lines; `table` says which.
pub fn json_lines(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.detection {
        let head = json!({"scenario": r.scenario, "case": r.case, "fault": r.fault,
                          "detector": r.detector, "baseline": r.baseline});
        out += &line("detection", head, Some(&r.stats));
    }
    let c = &report.confusion;
    for (d, cells) in c.detectors.iter().zip(&c.cells) {
        for (col, share) in c.columns.iter().zip(cells) {
            out += &line(
                "confusion",
                json!({"detector": d, "case": col, "share": share}),
                None,
            );
        }
    }
    for g in &report.goals {
        for (system, stats) in [("lab", &g.lab), ("baseline", &g.baseline)] {
            let head = json!({"case": g.case, "fault": g.fault, "system": system,
                              "recall_met": g.recall_met, "false_alarm_met": g.false_alarm_met,
                              "lead_gain": g.lead_gain,
                              "lead_beats_baseline": g.lead_beats_baseline,
                              "best_lab_detector": g.best_lab.as_ref().map(|b| &b.detector)});
            out += &line("goal", head, stats.as_ref());
        }
    }
    for r in &report.response {
        out += &line(
            "response",
            serde_json::to_value(r).unwrap_or_default(),
            None,
        );
    }
    for r in &report.sweeps {
        let head = json!({"detector": r.detector, "parameter": r.parameter, "value": r.value,
                          "default": r.default, "case": r.case});
        out += &line("sweep", head, Some(&r.stats));
    }
    out
}

/// What became of a case's faulty runs, in words: "3 failed for good", or
/// for a fault whose outcome is an event, "19 in which the capability
/// emerged".
fn outcomes(s: &Stats) -> String {
    let failed = s.hard_failures - s.emerged;
    match (s.emerged, failed) {
        (0, n) => format!("{n} failed for good"),
        (e, 0) => format!("{e} in which the capability emerged"),
        (e, n) => format!("{e} in which the capability emerged, {n} failed for good"),
    }
}
