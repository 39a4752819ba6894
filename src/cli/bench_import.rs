//! `failure-lab bench-import [--rows N]`: how long importing and analysing a
//! large training log takes natively. Target: 1,000,000 rows under 3 s.
//!
//! The log is generated in memory as a wide CSV shaped like a real one
//! (noisy decaying loss, validation every 100 steps, warm-up and cosine
//! learning rate, and a gradient explosion planted at 70% of the run). It is
//! a parser workload, not a training run: the lab's failures come from its
//! trainer, never from here.

use std::fmt::Write;
use std::time::Instant;

use crate::import::{self, ImportOptions, Importer};
use crate::rng::Rng;

use super::number_in;

/// Time importing and analysing a large generated log
///
/// Generates a wide CSV log in memory (noisy decaying loss, validation
/// every 100 steps, warm-up and cosine learning rate, a gradient explosion
/// planted at 70% of the run), then times importing it alone and importing
/// it with every detector, fed in 1 MiB chunks as the page does.
/// Target: 1,000,000 rows under 3 s.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Rows of the generated log, from 1 to 10000000 (1_000_000 is fine too)
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = number_in(1u64..=10_000_000))]
    pub rows: u64,
}

/// A generated wide CSV log of `rows` steps and the step of its planted
/// gradient explosion (where the norm first exceeds 1000; `rows` if the
/// log is too short to hold it).
pub fn synthetic_log(rows: u64, seed: u64) -> (String, u64) {
    let mut rng = Rng::new(seed);
    let explosion = rows * 7 / 10;
    let warmup = (rows / 100).max(1);
    let mut first_above = None;
    let mut out = String::with_capacity(rows as usize * 48 + 64);
    out.push_str("step,train_loss,val_loss,grad_norm,learning_rate\n");
    for step in 0..rows {
        let t = step as f64 / rows.max(1) as f64;
        let lr = 3e-4
            * (step as f64 / warmup as f64).min(1.0)
            * 0.5
            * (1.0 + libm::cos(std::f64::consts::PI * t));
        let base = 0.4 + 2.0 * libm::exp(-5.0 * t);
        // The explosion: the norm grows tenfold a step for 6 steps, the
        // loss spikes with it, then clipping and a smaller rate recover it.
        let since = step.wrapping_sub(explosion);
        let blowup = if since < 6 {
            libm::pow(10.0, since as f64 + 0.5)
        } else {
            1.0
        };
        let loss = base * (1.0 + 0.05 * rng.normal()) * blowup.sqrt();
        let grad_norm = (1.0 + 0.3 * rng.normal()).abs() * blowup * 3.5;
        if grad_norm > 1000.0 && first_above.is_none() {
            first_above = Some(step);
        }
        let _ = write!(out, "{step},{loss:.6},");
        if step % 100 == 99 {
            let _ = write!(out, "{:.6}", base * 1.05 * blowup.sqrt());
        }
        let _ = writeln!(out, ",{grad_norm:.6},{lr:.6e}");
    }
    (out, first_above.unwrap_or(rows))
}

/// Runs `failure-lab bench-import`.
pub fn run(args: Args) -> Result<(), String> {
    let rows = args.rows;
    let (log, planted) = synthetic_log(rows, 7);
    let mb = log.len() as f64 / 1e6;
    println!("generated {rows} rows, {mb:.1} MB of CSV; explosion planted at step {planted}");

    let start = Instant::now();
    let mut frames = 0u64;
    feed_in_chunks(&log, |_| frames += 1)?;
    let parse = start.elapsed().as_secs_f64();
    println!(
        "import only:       {parse:.3} s  ({frames} frames, {:.0} rows/s, {:.0} MB/s)",
        rows as f64 / parse,
        mb / parse
    );

    let start = Instant::now();
    let mut monitor = import::monitor();
    feed_in_chunks(&log, |f| {
        monitor.observe(&f);
    })?;
    let total = start.elapsed().as_secs_f64();
    println!(
        "import + analyse:  {total:.3} s  ({:.0} rows/s; target: 1,000,000 rows under 3 s)",
        rows as f64 / total
    );
    for f in monitor.findings() {
        println!(
            "finding: {} at step {} ({:?})",
            f.detector, f.step, f.severity
        );
    }
    Ok(())
}

/// Feeds `log` to an importer in 1 MiB chunks, as the page does with a file.
fn feed_in_chunks(
    log: &str,
    mut on_frame: impl FnMut(crate::metrics::Frame),
) -> Result<(), String> {
    let mut importer = Importer::new(ImportOptions::default());
    for chunk in log.as_bytes().chunks(1 << 20) {
        importer
            .feed(chunk)
            .map_err(|e| e.to_string())?
            .into_iter()
            .for_each(&mut on_frame);
    }
    importer
        .finish()
        .map_err(|e| e.to_string())?
        .into_iter()
        .for_each(on_frame);
    Ok(())
}
