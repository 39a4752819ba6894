//! Wide CSV (a step column and one column per metric) and TensorBoard's
//! scalar export (`Wall time,Step,Value`, one metric per file).

use super::names::{normalize, tensorboard_metric, Resolver, Role};
use super::{number, parse_step, short, Format, ImportError, Sink};

/// What one column holds, decided from the header.
#[derive(Clone, Debug, PartialEq)]
enum Column {
    Step,
    Metric(String),
    Skip,
}

/// A CSV file past its header.
#[derive(Clone, Debug)]
pub(crate) struct Csv {
    /// Which of the two CSV layouts this is.
    pub format: Format,
    delimiter: u8,
    headers: Vec<String>,
    columns: Vec<Column>,
    step: Option<usize>,
    cells: Vec<Option<f64>>,
}

impl Csv {
    /// Reads the header on `text` (line `line`).
    pub fn header(
        line: usize,
        text: &str,
        file_name: Option<&str>,
        resolver: &mut Resolver,
    ) -> Result<Csv, ImportError> {
        let delimiter = if !text.contains(',') && text.contains('\t') {
            b'\t'
        } else {
            b','
        };
        let mut headers = Vec::new();
        fields(text, delimiter, line, |_, f| {
            headers.push(f.replace("\"\"", "\""));
            Ok(())
        })?;
        if headers
            .iter()
            .all(|h| number(h).is_some_and(|v| v.is_some()))
        {
            return Err(ImportError::Malformed {
                line,
                reason: format!(
                    "the first line should name the columns (a header such as \
                     step,loss,val_loss), but it holds numbers: '{}'",
                    short(text)
                ),
            });
        }
        let tensorboard = headers.len() == 3
            && headers
                .iter()
                .zip(["wall_time", "step", "value"])
                .all(|(h, want)| normalize(h) == want);
        let mut roles = Vec::with_capacity(headers.len());
        if tensorboard {
            let name = file_name.map_or("value".to_string(), tensorboard_metric);
            let slot = resolver.slot(&name, line)?;
            roles = vec![Role::Skip, Role::Step(0), resolver.role(slot).clone()];
        } else {
            let mut slots = Vec::with_capacity(headers.len());
            for (i, h) in headers.iter().enumerate() {
                if h.is_empty() {
                    // pandas' to_csv writes its row index under an empty name.
                    roles.push(if i == 0 {
                        Role::Step(usize::MAX)
                    } else {
                        Role::Skip
                    });
                    continue;
                }
                let slot = resolver.slot(h, line)?;
                if let Some(first) = slots.iter().position(|s| *s == slot) {
                    return Err(ImportError::Malformed {
                        line,
                        reason: format!(
                            "column {} repeats the name '{}' of column {}",
                            i + 1,
                            short(h),
                            first + 1
                        ),
                    });
                }
                slots.push(slot);
                roles.push(resolver.role(slot).clone());
            }
        }
        let step_rank = roles
            .iter()
            .filter_map(|r| match r {
                Role::Step(rank) => Some(*rank),
                _ => None,
            })
            .min();
        let mut step_taken = false;
        let columns: Vec<Column> = roles
            .into_iter()
            .map(|r| match r {
                Role::Step(rank) if Some(rank) == step_rank && !step_taken => {
                    step_taken = true;
                    Column::Step
                }
                Role::Metric(name) => Column::Metric(name),
                _ => Column::Skip,
            })
            .collect();
        if !columns.iter().any(|c| matches!(c, Column::Metric(_))) {
            return Err(ImportError::Malformed {
                line,
                reason: "the header names no metric column (only a step or skipped columns)".into(),
            });
        }
        for (i, h) in headers.iter_mut().enumerate() {
            if h.is_empty() {
                *h = format!("unnamed column {}", i + 1);
            }
        }
        Ok(Csv {
            format: if tensorboard {
                Format::TensorBoard
            } else {
                Format::Csv
            },
            delimiter,
            headers,
            step: columns.iter().position(|c| *c == Column::Step),
            cells: Vec::with_capacity(columns.len()),
            columns,
        })
    }

    /// Reads one data row.
    pub fn row(&mut self, line: usize, text: &str, sink: &mut Sink) -> Result<(), ImportError> {
        let (delimiter, step_column) = (self.delimiter, self.step);
        let Csv {
            columns,
            headers,
            cells,
            ..
        } = self;
        cells.clear();
        let mut step_text = None;
        let found = fields(text, delimiter, line, |i, f| {
            match columns.get(i) {
                None => {}
                Some(Column::Step) => step_text = Some(f),
                Some(Column::Skip) => {}
                Some(Column::Metric(_)) => match number(f) {
                    Some(v) => cells.push(v),
                    None => {
                        return Err(ImportError::NotANumber {
                            line,
                            column: i + 1,
                            name: headers[i].clone(),
                            text: short(f),
                        })
                    }
                },
            }
            Ok(())
        })?;
        if found != columns.len() {
            return Err(ImportError::Ragged {
                line,
                expected: columns.len(),
                found,
            });
        }
        let step = match (step_column, step_text) {
            (None, _) => sink.rows(),
            (Some(c), Some(t)) if !t.is_empty() => {
                parse_step(t).ok_or_else(|| ImportError::BadStep {
                    line,
                    column: c + 1,
                    name: headers[c].clone(),
                    text: short(t),
                })?
            }
            (Some(c), _) => {
                return Err(ImportError::MissingStep {
                    line,
                    name: headers[c].clone(),
                })
            }
        };
        let frame = sink.row(line, step)?;
        let metrics = columns.iter().filter_map(|c| match c {
            Column::Metric(name) => Some(name),
            _ => None,
        });
        for (name, cell) in metrics.zip(cells.iter()) {
            if let Some(v) = cell {
                frame.set(name, *v);
            }
        }
        Ok(())
    }
}

/// Splits `text` on `delimiter`, calling `each` with every field's index and
/// its trimmed text (quotes removed); returns the number of fields.
///
/// A quoted field may hold the delimiter and doubled quotes (`""`); a field
/// cannot span lines.
fn fields<'a>(
    text: &'a str,
    delimiter: u8,
    line: usize,
    mut each: impl FnMut(usize, &'a str) -> Result<(), ImportError>,
) -> Result<usize, ImportError> {
    if !text.contains('"') {
        let mut n = 0;
        for field in text.split(delimiter as char) {
            each(n, field.trim())?;
            n += 1;
        }
        return Ok(n);
    }
    let b = text.as_bytes();
    let syntax = |n: usize, reason: &str| ImportError::Syntax {
        line,
        column: n + 1,
        reason: reason.to_string(),
    };
    let (mut i, mut n) = (0, 0);
    loop {
        let mut j = i;
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        let field;
        if b.get(j) == Some(&b'"') {
            let mut k = j + 1;
            loop {
                match b.get(k) {
                    None => return Err(syntax(n, "a quoted field is not closed")),
                    Some(b'"') if b.get(k + 1) == Some(&b'"') => k += 2,
                    Some(b'"') => break,
                    Some(_) => k += 1,
                }
            }
            field = &text[j + 1..k];
            i = k + 1;
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
            if i < b.len() && b[i] != delimiter {
                return Err(syntax(n, "unexpected text after a closing quote"));
            }
        } else {
            let end = b[i..]
                .iter()
                .position(|&c| c == delimiter)
                .map_or(b.len(), |p| i + p);
            field = text[i..end].trim();
            i = end;
        }
        each(n, field)?;
        n += 1;
        if i >= b.len() {
            return Ok(n);
        }
        i += 1;
        if i == b.len() {
            each(n, "")?;
            return Ok(n + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<Vec<String>, ImportError> {
        let mut out = Vec::new();
        fields(text, b',', 1, |_, f| {
            out.push(f.to_string());
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(split("a, b,,").unwrap(), ["a", "b", "", ""]);
        assert_eq!(
            split(r#""a,b", "c""d",e"#).unwrap(),
            ["a,b", r#"c""d"#, "e"]
        );
        assert_eq!(split(r#""x","#).unwrap(), ["x", ""]);
        assert!(split(r#""open,"#).is_err());
        assert!(split(r#""a"b,c"#).is_err());
    }
}
