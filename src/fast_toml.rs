//! A fast reader for the plain TOML that data files are written in, used before the `toml`
//! crate: it reads a big file several times faster, which is what lets a 10,000-claim story
//! load in well under 100 ms (the `toml` crate alone takes longer than that).
//!
//! It understands a strict subset of TOML: comments; `key = value` with bare keys; headers
//! `[table]`, `[[array]]` and `[[array.sub_array]]` (a sub-array of the last element, as
//! `[[claim.citation]]`); basic strings, single-line or `"""` multi-line, with the common
//! escapes; single-line literal strings; decimal integers; local dates (`2025-06-16`); arrays;
//! single-line inline tables. Anything else (a quoted or dotted key, a float, a boolean, a time,
//! a `'''` string, a redefined key, deep nesting), and any file with a problem, makes it give
//! up: [`from_str`] returns `None` and the loader asks the `toml` crate, which has the final
//! word and the precise error messages. So the subset only has to be right when it succeeds;
//! the tests below and `tests/properties.rs` check that it then produces exactly what `toml`
//! produces, spans included.

use std::borrow::Cow;
use std::ops::Range;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use toml::value::Datetime;

/// `text` deserialized as `T`, or `None` if it is outside the subset or does not deserialize.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    // Offsets are kept in 32 bits: the tree of a big file is large enough as it is.
    let len = u32::try_from(text.len()).ok().filter(|&l| l < HEADER)?;
    let root = Parser::new(text).document()?;
    T::deserialize(Node {
        start: 0,
        end: len,
        value: Value::Table(root),
    })
    .ok()
}

/// A value with the byte range it was written at (what `Spanned` gets).
struct Node<'a> {
    start: u32,
    end: u32,
    value: Value<'a>,
}

enum Value<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Date(Datetime),
    /// `of_tables`: made by `[[header]]`s, so later headers may extend it.
    Array {
        items: Vec<Node<'a>>,
        of_tables: bool,
    },
    Table(Table<'a>),
}

/// The start given to tables made by headers: the model never asks for their span, and if a
/// future model did, the reader gives up rather than guess the span `toml` would give.
const HEADER: u32 = u32::MAX;

/// Keys in file order; tables are small, so a linear search finds duplicates fastest.
type Table<'a> = Vec<(&'a str, Node<'a>)>;

/// Why reading stopped: nothing to say, the `toml` crate explains.
type Parsed<T> = Option<T>;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Arrays and inline tables open around the current position.
    depth: usize,
}

/// Deeper nesting is left to `toml` (which refuses more than 80 levels): data files nest two
/// deep, and unbounded recursion could overflow the stack on a hostile file.
const MAX_NESTING: usize = 16;

/// Tables are searched linearly; one with more keys than any data file has is left to `toml`.
const MAX_KEYS: usize = 256;

/// Where the next `key = value` lines go: the root, a `[table]`, or the last element of a
/// `[[array]]` (path of keys from the root, each array step taking its last element).
#[derive(Clone, Copy)]
enum Current<'a> {
    Root,
    Table(&'a str),
    Last(&'a str),
    LastOfLast(&'a str, &'a str),
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            at: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn document(mut self) -> Parsed<Table<'a>> {
        let mut root: Table<'a> = Vec::new();
        let mut current = Current::Root;
        loop {
            self.blank();
            match self.peek() {
                None => return Some(root),
                Some(b'\n') => self.at += 1,
                Some(b'\r') => self.newline()?,
                Some(b'#') => self.end_of_line()?,
                Some(b'[') => {
                    current = self.header(&mut root)?;
                    self.end_of_line()?;
                }
                Some(_) => {
                    let (key, node) = self.key_value()?;
                    let table = table_at(&mut root, current)?;
                    insert(table, key, node)?;
                    self.end_of_line()?;
                }
            }
        }
    }

    /// `[name]`, `[[name]]` or `[[name.sub]]`: makes the table and returns where keys now go.
    fn header(&mut self, root: &mut Table<'a>) -> Parsed<Current<'a>> {
        self.at += 1;
        let array = self.peek() == Some(b'[');
        if array {
            self.at += 1;
        }
        self.blank();
        let first = self.bare_key()?;
        let second = if self.peek() == Some(b'.') {
            self.at += 1;
            Some(self.bare_key()?)
        } else {
            None
        };
        self.blank();
        self.expect(b']')?;
        if array {
            self.expect(b']')?;
        }
        match (array, second) {
            (false, None) => {
                if root.len() >= MAX_KEYS || find(root, first).is_some() {
                    return None;
                }
                root.push((first, table_node()));
                Some(Current::Table(first))
            }
            (true, None) => {
                push_table(root, first)?;
                Some(Current::Last(first))
            }
            (true, Some(second)) => {
                let parent = match find(root, first) {
                    Some(Node {
                        value: Value::Array { items, of_tables: true },
                        ..
                    }) => items.last_mut()?,
                    _ => return None,
                };
                let Value::Table(parent) = &mut parent.value else {
                    return None;
                };
                push_table(parent, second)?;
                Some(Current::LastOfLast(first, second))
            }
            (false, Some(_)) => None,
        }
    }

    fn key_value(&mut self) -> Parsed<(&'a str, Node<'a>)> {
        let key = self.bare_key()?;
        self.blank();
        self.expect(b'=')?;
        self.blank();
        Some((key, self.value()?))
    }

    fn bare_key(&mut self) -> Parsed<&'a str> {
        let start = self.at;
        while let Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-') = self.peek() {
            self.at += 1;
        }
        (self.at > start).then(|| &self.text[start..self.at])
    }

    fn value(&mut self) -> Parsed<Node<'a>> {
        let start = self.at;
        let value = match self.peek()? {
            b'"' if self.bytes[self.at..].starts_with(b"\"\"\"") => Value::Str(self.multiline_basic_string()?),
            b'"' => Value::Str(self.basic_string()?),
            b'\'' => Value::Str(self.literal_string()?),
            open @ (b'[' | b'{') => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return None;
                }
                let value = if open == b'[' {
                    Value::Array {
                        items: self.array()?,
                        of_tables: false,
                    }
                } else {
                    Value::Table(self.inline_table()?)
                };
                self.depth -= 1;
                value
            }
            b'0'..=b'9' | b'+' | b'-' => self.number_or_date()?,
            _ => return None,
        };
        Some(Node {
            start: start as u32,
            end: self.at as u32,
            value,
        })
    }

    /// `"…"` on one line, with `\" \\ \b \f \n \r \t \uXXXX \UXXXXXXXX`.
    fn basic_string(&mut self) -> Parsed<Cow<'a, str>> {
        self.at += 1;
        if self.bytes[self.at..].starts_with(b"\"\"") {
            return None; // `"""`: a multi-line string
        }
        let start = self.at;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => break,
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    s.push(self.escape()?);
                    run = self.at;
                }
                0x00..=0x08 | 0x0a..=0x1f | 0x7f => return None,
                _ => self.at += 1,
            }
        }
        let text = match owned {
            None => Cow::Borrowed(&self.text[start..self.at]),
            Some(mut s) => {
                s.push_str(&self.text[run..self.at]);
                Cow::Owned(s)
            }
        };
        self.at += 1;
        Some(text)
    }

    /// At the letter after a backslash: the character it stands for; leaves the position after
    /// the escape.
    fn escape(&mut self) -> Parsed<char> {
        let c = match self.peek()? {
            b'u' => return self.unicode(4),
            b'U' => return self.unicode(8),
            b'"' => '"',
            b'\\' => '\\',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => return None,
        };
        self.at += 1;
        Some(c)
    }

    /// `"""…"""`: newlines kept (the one right after the opening quotes dropped), escapes, and
    /// a backslash at the end of a line joining it to the next non-blank text. Files with
    /// Windows line endings inside such strings are left to `toml`.
    fn multiline_basic_string(&mut self) -> Parsed<Cow<'a, str>> {
        self.at += 3;
        if self.peek() == Some(b'\n') {
            self.at += 1;
        }
        let mut out = String::new();
        let mut run = self.at;
        loop {
            match self.peek()? {
                b'"' => {
                    let quotes = self.bytes[self.at..].iter().take_while(|&&b| b == b'"').count();
                    if quotes < 3 {
                        self.at += quotes;
                        continue;
                    }
                    if quotes > 5 {
                        return None;
                    }
                    // Up to two quotes right before the closing three belong to the text.
                    out.push_str(&self.text[run..self.at + quotes - 3]);
                    self.at += quotes;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    if let b' ' | b'\t' | b'\n' = self.peek()? {
                        self.blank();
                        if self.peek()? != b'\n' {
                            return None;
                        }
                        while let Some(b' ' | b'\t' | b'\n') = self.peek() {
                            self.at += 1;
                        }
                    } else {
                        out.push(self.escape()?);
                    }
                    run = self.at;
                }
                0x00..=0x08 | 0x0b..=0x1f | 0x7f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// After `\u` or `\U` (at the letter): `digits` hex digits naming a Unicode scalar value;
    /// leaves the position after them.
    fn unicode(&mut self, digits: usize) -> Parsed<char> {
        let hex = self.text.get(self.at + 1..self.at + 1 + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
        self.at += 1 + digits;
        Some(c)
    }

    /// `'…'` on one line, taken as written.
    fn literal_string(&mut self) -> Parsed<Cow<'a, str>> {
        self.at += 1;
        if self.peek() == Some(b'\'') {
            return None; // `'''` multi-line, or an empty string: leave both to `toml`
        }
        let start = self.at;
        loop {
            match self.peek()? {
                b'\'' => break,
                0x00..=0x08 | 0x0a..=0x1f | 0x7f => return None,
                _ => self.at += 1,
            }
        }
        let text = &self.text[start..self.at];
        self.at += 1;
        Some(Cow::Borrowed(text))
    }

    /// A decimal integer (`-12`, `1_000`) or a local date (`2025-06-16`).
    fn number_or_date(&mut self) -> Parsed<Value<'a>> {
        let start = self.at;
        while let Some(b'0'..=b'9' | b'_' | b'+' | b'-' | b':' | b'.' | b'e' | b'E' | b'T' | b'Z') = self.peek() {
            self.at += 1;
        }
        let token = &self.text[start..self.at];
        // What follows must end the value: `2025-06-16 12:00` is a date-time, `1 2` an error.
        if !matches!(
            self.peek(),
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b'#')
        ) {
            return None;
        }
        if self.peek() == Some(b' ') && self.bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        match local_date(token) {
            Some(date) => Some(Value::Date(date)),
            None => integer(token).map(Value::Int),
        }
    }

    /// `[v, v, …]`, over several lines if need be, with comments and a trailing comma.
    fn array(&mut self) -> Parsed<Vec<Node<'a>>> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.array_space()?;
            if self.peek()? == b']' {
                break;
            }
            items.push(self.value()?);
            self.array_space()?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(items)
    }

    /// Whitespace, newlines and comments inside an array.
    fn array_space(&mut self) -> Parsed<()> {
        loop {
            self.blank();
            match self.peek() {
                Some(b'\n' | b'\r') => self.newline()?,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    /// `{ k = v, … }` on one line, no trailing comma (TOML 1.0).
    fn inline_table(&mut self) -> Parsed<Table<'a>> {
        self.at += 1;
        let mut table = Vec::new();
        self.blank();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(table);
        }
        loop {
            self.blank();
            let (key, node) = self.key_value()?;
            insert(&mut table, key, node)?;
            self.blank();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(table)
    }

    /// Spaces and tabs.
    fn blank(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// `# …` up to (not including) the end of the line; control characters are not allowed.
    fn comment(&mut self) -> Parsed<()> {
        while let Some(b) = self.peek() {
            match b {
                b'\n' | b'\r' => break,
                0x00..=0x08 | 0x0a..=0x1f | 0x7f => return None,
                _ => self.at += 1,
            }
        }
        Some(())
    }

    /// `\n` or `\r\n`.
    fn newline(&mut self) -> Parsed<()> {
        if self.peek() == Some(b'\r') {
            self.at += 1;
        }
        self.expect(b'\n')
    }

    /// After a value or header: blanks, an optional comment, then a newline or the end.
    fn end_of_line(&mut self) -> Parsed<()> {
        self.blank();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Some(()),
            Some(_) => self.newline(),
        }
    }

    fn expect(&mut self, b: u8) -> Parsed<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }
}

/// `YYYY-MM-DD`, a day that exists, as `toml` would read it.
fn local_date(token: &str) -> Option<Datetime> {
    let b = token.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let number = |range: Range<usize>| b[range].iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    let (year, month, day) = (number(0..4), number(5..7) as u8, number(8..10) as u8);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(Datetime {
        date: Some(toml_datetime::Date { year, month, day }),
        time: None,
        offset: None,
    })
}

/// A decimal TOML integer: optional sign, no leading zeros, `_` only between digits.
fn integer(token: &str) -> Parsed<i64> {
    let digits = token.strip_prefix(['+', '-']).unwrap_or(token);
    let b = digits.as_bytes();
    let well_formed = !b.is_empty()
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'_')
        && b[0] != b'_'
        && b[b.len() - 1] != b'_'
        && !digits.contains("__")
        && !(b[0] == b'0' && b.len() > 1);
    if !well_formed {
        return None;
    }
    let plain: Cow<str> = if digits.contains('_') {
        Cow::Owned(token.replace('_', ""))
    } else {
        Cow::Borrowed(token)
    };
    plain.parse().ok()
}

fn table_node<'a>() -> Node<'a> {
    Node {
        start: HEADER,
        end: HEADER,
        // Room for a typical claim's keys, so that filling it does not reallocate.
        value: Value::Table(Vec::with_capacity(12)),
    }
}

fn find<'t, 'a>(table: &'t mut Table<'a>, key: &str) -> Option<&'t mut Node<'a>> {
    table.iter_mut().find(|(k, _)| *k == key).map(|(_, node)| node)
}

fn insert<'a>(table: &mut Table<'a>, key: &'a str, node: Node<'a>) -> Parsed<()> {
    if table.len() >= MAX_KEYS || table.iter().any(|(k, _)| *k == key) {
        return None;
    }
    table.push((key, node));
    Some(())
}

/// Appends a table to the `[[key]]` array of `table`, making the array if need be.
fn push_table<'a>(table: &mut Table<'a>, key: &'a str) -> Parsed<()> {
    let full = table.len() >= MAX_KEYS;
    match find(table, key) {
        None if full => return None,
        None => {
            let array = Value::Array {
                items: vec![table_node()],
                of_tables: true,
            };
            let node = Node {
                start: HEADER,
                end: HEADER,
                value: array,
            };
            table.push((key, node));
        }
        Some(Node {
            value: Value::Array { items, of_tables: true },
            ..
        }) => items.push(table_node()),
        Some(_) => return None,
    }
    Some(())
}

fn table_at<'t, 'a>(root: &'t mut Table<'a>, current: Current<'a>) -> Parsed<&'t mut Table<'a>> {
    let node = match current {
        Current::Root => return Some(root),
        Current::Table(key) => find(root, key)?,
        Current::Last(key) => last(find(root, key)?)?,
        Current::LastOfLast(key, sub) => {
            let Value::Table(parent) = &mut last(find(root, key)?)?.value else {
                return None;
            };
            last(find(parent, sub)?)?
        }
    };
    match &mut node.value {
        Value::Table(table) => Some(table),
        _ => None,
    }
}

fn last<'t, 'a>(node: &'t mut Node<'a>) -> Option<&'t mut Node<'a>> {
    match &mut node.value {
        Value::Array { items, of_tables: true } => items.last_mut(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Deserializing the tree with serde, speaking the `toml` crate's protocols for `Spanned` and
// `Datetime`, so the same derived model reads either.

/// Any deserialization problem: the `toml` crate will be asked and will say what it is.
#[derive(Debug)]
pub struct GiveUp;

impl std::fmt::Display for GiveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("outside the fast reader's subset")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

impl<'de> IntoDeserializer<'de, GiveUp> for Node<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for Node<'_> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.value {
            Value::Str(Cow::Borrowed(s)) => visitor.visit_str(s),
            Value::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Value::Int(i) => visitor.visit_i64(i),
            Value::Date(d) => visitor.visit_map(toml_datetime::de::DatetimeDeserializer::new(d)),
            Value::Array { items, .. } => visitor.visit_seq(Items(items.into_iter())),
            Value::Table(table) => visitor.visit_map(Entries {
                entries: table.into_iter(),
                next: None,
            }),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        if serde_spanned::de::is_spanned(name) {
            if self.start == HEADER {
                return Err(GiveUp);
            }
            let span = self.start as usize..self.end as usize;
            return visitor.visit_map(serde_spanned::de::SpannedDeserializer::new(self, span));
        }
        if toml_datetime::de::is_datetime(name) && !matches!(self.value, Value::Date(_)) {
            return Err(GiveUp);
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_some(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

struct Items<'a>(std::vec::IntoIter<Node<'a>>);

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, GiveUp> {
        self.0.next().map(|node| seed.deserialize(node)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'a> {
    entries: std::vec::IntoIter<(&'a str, Node<'a>)>,
    next: Option<Node<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, GiveUp> {
        let Some((key, node)) = self.entries.next() else {
            return Ok(None);
        };
        self.next = Some(node);
        seed.deserialize(IntoDeserializer::<GiveUp>::into_deserializer(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        seed.deserialize(self.next.take().ok_or(GiveUp)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::File;

    /// The fast reader either gives up or reads exactly what `toml` reads, spans included.
    fn agrees<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> bool {
        let Some(fast) = from_str::<T>(text) else { return false };
        let reference =
            toml::from_str::<T>(text).unwrap_or_else(|e| panic!("fast read a file toml rejects: {e}\n{text}"));
        assert_eq!(format!("{fast:?}"), format!("{reference:?}"), "{text}");
        true
    }

    #[test]
    fn reads_the_data_files_exactly_as_toml_does() {
        for path in [
            "data/repatriation-2025.toml",
            "tests/data/invented-ferry-evacuation.toml",
        ] {
            let text = std::fs::read_to_string(path).unwrap();
            assert!(agrees::<File>(&text), "{path}: the fast reader gave up");
            assert!(agrees::<toml::Table>(&text), "{path}: the fast reader gave up");
        }
    }

    #[test]
    fn reads_the_subset_exactly_as_toml_does() {
        let read = [
            "a = 1\n",
            "a = -0\nb = +12\nc = 1_000\nd = -9223372036854775808\n",
            "a = \"x\\ty\\u00e9\\U0001F600\\\\\\\"\"\n",
            "a = 'C:\\path'\n",
            "a = \"\"\n",
            "a = \"\"\"x\"\"\"\n",
            "a = \"\"\"\nline one\n  \\  \n\n   joined, \"\" quotes \\u00e9\"\"\"\"\nb = 1\n",
            "a = \"\"\"\"\"x\"\"\"\"\"\n",
            "a = 2024-02-29\nb = 2000-02-29\n",
            "a = [ 1, [2, 'x'], ] # trailing comma\n",
            "a = [\n  1, # one\n  2\n]\n",
            "a = {}\nb = { x = 1, y = { z = 2030-01-01 } }\n",
            "[t]\nk = 1\n[[arr]]\nv = 1\n[[arr.sub]]\nw = 2\n[[arr]]\n[[arr.sub]]\n[[arr.sub]]\nw = 3\n",
            "[ t ]\n[[ u ]]\r\nk = 1\r\n",
            "# only a comment",
            "",
            "a=1",
            "k-e_y9 = 1\t# tab before",
        ];
        for text in read {
            assert!(agrees::<toml::Table>(text), "gave up on {text:?}");
        }
    }

    #[test]
    fn gives_up_outside_the_subset_and_on_every_error() {
        let refused = [
            // Outside the subset, valid TOML.
            "\"quoted\" = 1\n",
            "a.b = 1\n",
            "a = 1.5\n",
            "a = 1e3\n",
            "a = 0x10\n",
            "a = true\n",
            "a = 07:32:00\n",
            "a = 1979-05-27T07:32:00Z\n",
            "a = 1979-05-27 07:32:00\n",
            "a = ''\n",
            "a = \"\"\"\r\nwindows\r\n\"\"\"\n",
            "a = '''x'''\n",
            "a = \"\\e\"\n",
            "a = { x = 1, }\n",
            "[a.b]\n",
            "[t]\n[[t.u]]\n",
            "\u{feff}a = 1\n",
            // Errors.
            "a = 1\na = 2\n",
            "[t]\n[t]\n",
            "a = []\n[[a]]\n",
            "[[a]]\n[a]\n",
            "a = 01\n",
            "a = 1__0\n",
            "a = _1\n",
            "a = 9223372036854775808\n",
            "a = 2023-02-29\n",
            "a = 1900-02-29\n",
            "a = 2023-13-01\n",
            "a = \"unterminated\n",
            "a = \"tab\u{1}\"\n",
            "a = 1 2\n",
            "a = [1 2]\n",
            "a = { x = 1, x = 2 }\n",
            "a = 1 # bell \u{7}\n",
            "a = 1\rb = 2\n",
            "[[a]\n",
            "a =\n",
            "= 1\n",
            "a = \"\\uD800\"\n",
            "a = \"\\q\"\n",
        ];
        for text in refused {
            assert!(from_str::<toml::Table>(text).is_none(), "should give up on {text:?}");
        }
        // Deeper than `toml` allows, deep enough to overflow the stack, too many keys.
        let nested = |open: &str, close: &str, n: usize| format!("a = {}{}\n", open.repeat(n), close.repeat(n));
        assert!(from_str::<toml::Table>(&nested("[", "]", 81)).is_none());
        assert!(from_str::<toml::Table>(&nested("[", "", 1_000_000)).is_none());
        assert!(from_str::<toml::Table>(&nested("{ b = ", "", 100_000)).is_none());
        let keys: String = (0..10_000).map(|i| format!("k{i} = 1\n")).collect();
        assert!(from_str::<toml::Table>(&keys).is_none());
        assert!(agrees::<toml::Table>(&nested("[", "]", 3)));
    }
}
