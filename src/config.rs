//! A setting that cannot be used: the error every layer's validation returns
//! (trainer and agent settings, faults, the automatic response, the
//! evaluation), and the one-line check that makes it.

use thiserror::Error;

/// A setting that cannot be used, and why.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("{field}: {reason}")]
pub struct ConfigError {
    /// The setting's name, as in the JSON config and the URL.
    pub field: &'static str,
    /// What is wrong with it, in words a learner understands.
    pub reason: String,
}

/// Ok when `ok` holds, else the error naming `field` with `reason`.
pub fn check(ok: bool, field: &'static str, reason: impl Into<String>) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError {
            field,
            reason: reason.into(),
        })
    }
}

/// A message of serde (reading settings from JSON) in the lab's words:
/// `invalid value: integer `-5`, expected u64` becomes `-5 is not a whole
/// number from 0 up`, `unknown field `x`` becomes `no setting 'x'`, and
/// the position serde_json appends (` at line 1 column 9`) is dropped.
/// A message of another shape is kept as it is.
pub fn plain_words(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    };
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(|t| format!("'{t}'"))
            .collect()
    };
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = ticked(rest);
        let (name, known) = names
            .split_first()
            .map_or(("?", &[][..]), |(n, k)| (n.as_str(), k));
        return if known.is_empty() {
            format!("no setting {name}")
        } else {
            format!("no setting {name} (the settings are {})", known.join(", "))
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names = ticked(rest);
        let (name, known) = names
            .split_first()
            .map_or(("?", &[][..]), |(n, k)| (n.as_str(), k));
        return format!("{name} is not one of {}", known.join(", "));
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("{} is missing", ticked(rest).join(", "));
    }
    if let Some(rest) = message
        .strip_prefix("invalid value: ")
        .or_else(|| message.strip_prefix("invalid type: "))
    {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("{} is not {}", found_words(found), expected_words(expected));
        }
    }
    message.to_string()
}

/// What serde found, in words: `integer `-5`` -> `-5`.
fn found_words(found: &str) -> String {
    if let (Some(a), Some(b)) = (found.find('`'), found.rfind('`')) {
        if a < b {
            let v = &found[a + 1..b];
            return if found.starts_with("string") {
                format!("'{v}'")
            } else {
                v.to_string()
            };
        }
    }
    if let (Some(a), Some(b)) = (found.find('"'), found.rfind('"')) {
        if a < b {
            return format!("'{}'", &found[a + 1..b]);
        }
    }
    match found {
        "null" | "unit value" => "an empty value".into(),
        "map" => "a group of settings".into(),
        "sequence" => "a list".into(),
        other => other.to_string(),
    }
}

/// What serde expected, in words: `u64` -> `a whole number from 0 up`.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "u8" | "u16" | "u32" | "u64" | "usize" | "a nonnegative integer" => {
            "a whole number from 0 up".into()
        }
        "i8" | "i16" | "i32" | "i64" | "isize" | "an integer" => "a whole number".into(),
        "f32" | "f64" | "a number" => "a number".into(),
        "a boolean" => "on or off (true or false)".into(),
        "a string" | "a borrowed string" | "string" => "text".into(),
        "a sequence" => "a list".into(),
        "string or map" | "variant identifier" | "an enum" => "one of the options".into(),
        _ if e.starts_with("struct ") || e.starts_with("a map") || e.starts_with("map") => {
            "a group of settings".into()
        }
        _ if e.starts_with("internally tagged enum") || e.starts_with("enum ") => {
            "a known kind of fault or setting".into()
        }
        _ if e.starts_with("one of ") => e.replace('`', "'"),
        other => other.replace('`', "'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_in_plain_words() {
        let cases = [
            (
                "invalid value: integer `-5`, expected u64 at line 1 column 30",
                "-5 is not a whole number from 0 up",
            ),
            (
                "invalid type: floating point `1e308`, expected string or map",
                "1e308 is not one of the options",
            ),
            (
                "invalid type: null, expected struct MarkerIn",
                "an empty value is not a group of settings",
            ),
            (
                "unknown field `temprature`, expected one of `seed`, `temperature`",
                "no setting 'temprature' (the settings are 'seed', 'temperature')",
            ),
            (
                "unknown variant `adamw`, expected one of `sgd`, `adam`",
                "'adamw' is not one of 'sgd', 'adam'",
            ),
            ("missing field `kind`", "'kind' is missing"),
            (
                "invalid type: string \"x\", expected f64",
                "'x' is not a number",
            ),
            ("plain words stay", "plain words stay"),
        ];
        for (serde, plain) in cases {
            assert_eq!(plain_words(serde), plain, "{serde}");
        }
    }
}
