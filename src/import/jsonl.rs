//! JSON Lines: one flat object per step, e.g. `{"step": 3, "loss": NaN}`.

use super::json::{char_column, for_each_pair, Value};
use super::names::{Resolver, Role};
use super::{number, parse_step, short, ImportError, Sink};

/// A JSON Lines log being read.
#[derive(Clone, Debug, Default)]
pub(crate) struct JsonLines {
    /// (metric slot, value) of the object being read.
    values: Vec<(usize, f64)>,
    /// The step key of the first object that had one.
    step_key: Option<String>,
}

impl JsonLines {
    /// Reads the object on one line.
    pub fn row(
        &mut self,
        line: usize,
        text: &str,
        resolver: &mut Resolver,
        sink: &mut Sink,
    ) -> Result<(), ImportError> {
        let values = &mut self.values;
        values.clear();
        // (rank, step, slot) of the preferred step key seen so far.
        let mut step: Option<(usize, u64, usize)> = None;
        for_each_pair(text, line, |key, value, at| {
            let slot = resolver.slot(&key, line)?;
            let role = resolver.role(slot);
            if *role == Role::Skip {
                return Ok(());
            }
            let not_a_number = |bad: &str| match role {
                Role::Step(_) => ImportError::BadStep {
                    line,
                    column: char_column(text, at),
                    name: key.to_string(),
                    text: short(bad),
                },
                _ => ImportError::NotANumber {
                    line,
                    column: char_column(text, at),
                    name: key.to_string(),
                    text: short(bad),
                },
            };
            let cell = match &value {
                Value::Number(t) => Some(t.parse::<f64>().map_err(|_| not_a_number(t))?),
                Value::Text(t) => number(t).ok_or_else(|| not_a_number(t))?,
                Value::Null => None,
                Value::Bool(b) => return Err(not_a_number(b)),
                Value::Nested(kind) => {
                    return Err(ImportError::NotAScalar {
                        line,
                        column: char_column(text, at),
                        name: key.to_string(),
                        kind,
                    })
                }
            };
            match (role, cell) {
                (Role::Step(rank), Some(_)) if step.map_or(true, |(r, _, _)| *rank < r) => {
                    let text: &str = match &value {
                        Value::Number(t) => t,
                        Value::Text(t) => t,
                        _ => "",
                    };
                    let n = parse_step(text).ok_or_else(|| not_a_number(text))?;
                    step = Some((*rank, n, slot));
                }
                (Role::Metric(_), Some(v)) => values.push((slot, v)),
                _ => {}
            }
            Ok(())
        })?;
        let step = match (step, &self.step_key) {
            (Some((_, n, slot)), None) => {
                self.step_key = Some(resolver.original(slot).to_string());
                n
            }
            (Some((_, n, _)), Some(_)) => n,
            (None, None) => sink.rows(),
            (None, Some(key)) => {
                return Err(ImportError::MissingStep {
                    line,
                    name: key.clone(),
                })
            }
        };
        let frame = sink.row(line, step)?;
        for &(slot, v) in values.iter() {
            if let Role::Metric(name) = resolver.role(slot) {
                frame.set(name, v);
            }
        }
        Ok(())
    }
}
