//! A small tolerant reader for one flat JSON object, as a training loop's
//! `json.dumps(record)` writes it on each line of a JSON Lines log.
//!
//! Python's json module writes non-finite floats as the bare words `NaN`,
//! `Infinity` and `-Infinity`, which strict JSON forbids; here they are
//! numbers. Nested objects and arrays are recognised (and skipped over) so
//! the caller can say which key held one.

use std::borrow::Cow;

use super::ImportError;

/// One value of a key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// A number token, unparsed (`NaN`, `Infinity` and `-Infinity` included).
    Number(&'a str),
    /// A string, unescaped.
    Text(Cow<'a, str>),
    /// `null`.
    Null,
    /// `true` or `false`, as written.
    Bool(&'static str),
    /// A nested object or array: "an object" or "an array".
    Nested(&'static str),
}

/// Reads the object on `text` (line `line` of the file), calling `pair` with
/// each key, its value and the value's byte offset (see [`char_column`]).
pub(crate) fn for_each_pair<'a>(
    text: &'a str,
    line: usize,
    mut pair: impl FnMut(Cow<'a, str>, Value<'a>, usize) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut p = Reader { text, pos: 0, line };
    p.skip_space();
    p.expect(b'{', "a JSON object starts with '{'")?;
    p.skip_space();
    if p.peek() == Some(b'}') {
        p.pos += 1;
    } else {
        loop {
            p.skip_space();
            if p.peek() != Some(b'"') {
                return Err(p.error("expected a key in double quotes"));
            }
            let key = p.string()?;
            p.skip_space();
            p.expect(b':', "expected ':' after the key")?;
            p.skip_space();
            let at = p.pos;
            let value = p.value()?;
            pair(key, value, at)?;
            p.skip_space();
            match p.peek() {
                Some(b',') => p.pos += 1,
                Some(b'}') => {
                    p.pos += 1;
                    break;
                }
                None => return Err(p.error("the object is not closed: '}' is missing")),
                _ => return Err(p.error("expected ',' or '}' after a value")),
            }
        }
    }
    p.skip_space();
    if p.pos < text.len() {
        return Err(p.error("unexpected text after the object (one object per line)"));
    }
    Ok(())
}

/// The 1-based character column of byte offset `at` in `text`.
pub(crate) fn char_column(text: &str, at: usize) -> usize {
    text.char_indices().take_while(|(i, _)| *i < at).count() + 1
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    fn error(&self, reason: &str) -> ImportError {
        ImportError::Syntax {
            line: self.line,
            column: char_column(self.text, self.pos),
            reason: reason.to_string(),
        }
    }

    fn expect(&mut self, byte: u8, reason: &str) -> Result<(), ImportError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    fn starts_with(&self, word: &str) -> bool {
        self.bytes()[self.pos..].starts_with(word.as_bytes())
    }

    fn value(&mut self) -> Result<Value<'a>, ImportError> {
        for (word, value) in [
            ("null", Value::Null),
            ("true", Value::Bool("true")),
            ("false", Value::Bool("false")),
        ] {
            if self.starts_with(word) {
                self.pos += word.len();
                return Ok(value);
            }
        }
        for word in ["NaN", "Infinity", "-Infinity"] {
            if self.starts_with(word) {
                let start = self.pos;
                self.pos += word.len();
                return Ok(Value::Number(&self.text[start..self.pos]));
            }
        }
        match self.peek() {
            Some(b'"') => Ok(Value::Text(self.string()?)),
            Some(b'{') => self.nested().map(|_| Value::Nested("an object")),
            Some(b'[') => self.nested().map(|_| Value::Nested("an array")),
            Some(b'-' | b'+' | b'.' | b'0'..=b'9') => {
                let start = self.pos;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.pos += 1;
                }
                Ok(Value::Number(&self.text[start..self.pos]))
            }
            None => Err(self.error("a value is missing at the end of the line")),
            _ => Err(self
                .error("expected a value: a number, NaN, Infinity, a string, null, true or false")),
        }
    }

    /// Skips a nested object or array, strings inside included.
    fn nested(&mut self) -> Result<(), ImportError> {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.error("a nested object or array is not closed"))
    }

    /// Reads a string starting at the opening quote.
    fn string(&mut self) -> Result<Cow<'a, str>, ImportError> {
        self.pos += 1;
        let start = self.pos;
        let mut owned: Option<String> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("a string is not closed: '\"' is missing"));
            };
            match b {
                b'"' => {
                    let tail = &self.text[start..self.pos];
                    self.pos += 1;
                    return Ok(match owned {
                        Some(s) => Cow::Owned(s),
                        None => Cow::Borrowed(tail),
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(|| self.text[start..self.pos].to_string());
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let c = self.unicode_escape()?;
                            s.push(c);
                            continue;
                        }
                        _ => return Err(self.error("unknown escape after '\\'")),
                    };
                    s.push(c);
                    self.pos += 1;
                }
                _ => {
                    // Step over one whole character (the text is UTF-8).
                    let len = self.text[self.pos..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                    if let Some(s) = owned.as_mut() {
                        s.push_str(&self.text[self.pos..self.pos + len]);
                    }
                    self.pos += len;
                }
            }
        }
    }

    /// Reads `uXXXX` (after the backslash), with a surrogate pair if any.
    fn unicode_escape(&mut self) -> Result<char, ImportError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) && self.starts_with("\\u") {
            self.pos += 1;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("a \\u surrogate pair is broken"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// Reads `uXXXX` at the cursor and returns XXXX.
    fn hex4(&mut self) -> Result<u32, ImportError> {
        let digits = self.text.get(self.pos + 1..self.pos + 5);
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) if digits.is_some_and(|d| d.bytes().all(|b| b.is_ascii_hexdigit())) => {
                self.pos += 5;
                Ok(v)
            }
            _ => Err(self.error("\\u must be followed by four hex digits")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Result<Vec<(String, Value<'_>, usize)>, ImportError> {
        let mut out = Vec::new();
        for_each_pair(text, 1, |k, v, at| {
            out.push((k.into_owned(), v, char_column(text, at)));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn reads_python_json_dumps() {
        let got = pairs(r#"{"step": 3, "loss": NaN, "g": -Infinity, "n": "a\"bé\u00e9", "x": [1, {"y": "]"}], "z": null}"#)
            .unwrap();
        assert_eq!(got[0], ("step".into(), Value::Number("3"), 10));
        assert_eq!(got[1].1, Value::Number("NaN"));
        assert_eq!(got[2].1, Value::Number("-Infinity"));
        assert_eq!(got[3].1, Value::Text("a\"béé".into()));
        assert_eq!(got[4].1, Value::Nested("an array"));
        assert_eq!(got[5].1, Value::Null);
    }

    #[test]
    fn syntax_errors_name_the_column() {
        let e = pairs(r#"{"loss" 1}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1, column 9: expected ':' after the key"
        );
        assert!(pairs(r#"{"a": 1"#).is_err());
        assert!(pairs(r#"{"a": 1} x"#).is_err());
        assert!(pairs("{}").unwrap().is_empty());
    }
}
