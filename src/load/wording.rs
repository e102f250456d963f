//! The numbers a claim's own words state ("1,245", "6 057", "six thousand"), so that a figure
//! that disagrees with its wording or quotes is caught: a typo in `value` would otherwise be
//! pasted under a quote that says otherwise.

use super::resolve::Resolver;
use crate::figure::{Figure, Qualifier};
use crate::model;

impl Resolver<'_> {
    /// A warning at `value` when the claim's wording or quotes state numbers and none of them is
    /// the figure. "About" and "nearly" allow the slack that comparisons allow.
    /// Words are read as whole numbers, so decimal figures are not compared.
    pub(super) fn figure_matches_words(&mut self, claim: &model::Claim, figure: &Figure) {
        let (Some(value), Some(high)) = (figure.value.as_i64(), figure.high.as_i64()) else {
            return;
        };
        if figure.value.places() > 0 || figure.high.places() > 0 {
            return;
        }
        // Wide arithmetic: an out-of-range value is reported elsewhere, but this check still
        // runs on it and must not overflow.
        let (wide_value, wide_high) = (i128::from(value), i128::from(high));
        let slack = (wide_value.abs() * crate::figure::APPROXIMATION_PERCENT + 99) / 100;
        let fits = |n: i64| match figure.qualifier {
            Qualifier::Range => (wide_value..=wide_high).contains(&i128::from(n)),
            Qualifier::About | Qualifier::Nearly => (wide_value - slack..=wide_value + slack).contains(&i128::from(n)),
            _ => n == value,
        };
        let texts = claim.wording.iter().map(|w| ("wording", w.as_str())).chain(
            claim
                .citations
                .iter()
                .filter_map(|c| c.quote.as_deref())
                .map(|q| ("quote", q)),
        );
        let mut stated: Vec<(&str, i64)> = Vec::new();
        for (what, text) in texts {
            let found = numbers(text);
            if found.iter().any(|s| fits(s.value)) {
                return;
            }
            stated.extend(found.iter().filter(|s| !s.in_date).map(|s| (what, s.value)));
        }
        if let Some(&(what, n)) = stated.first() {
            use crate::figure::thousands;
            let figure = if high != value {
                format!("{}–{}", thousands(value), thousands(high))
            } else {
                thousands(value)
            };
            self.warn(
                claim.value.span(),
                format!(
                    "value {figure} disagrees with its {what}, which says {}; check the figure against the source",
                    thousands(n)
                ),
            );
        }
    }
}

/// Month names: a number next to one is a day.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Russian and Ukrainian month stems (the words inflect: "июня", "декабря", "червня").
const MONTH_STEMS: [&str; 24] = [
    "янв",
    "фев",
    "март",
    "апрел",
    "мая",
    "июн",
    "июл",
    "август",
    "сентяб",
    "октяб",
    "нояб",
    "декаб", //
    "січ",
    "лют",
    "берез",
    "квіт",
    "трав",
    "черв",
    "лип",
    "серп",
    "верес",
    "жовт",
    "листоп",
    "груд",
];

/// "june", "jun", "sept", "июня": a month, in any of the forms the sources use.
fn is_month(word: &str) -> bool {
    MONTHS
        .iter()
        .any(|m| word == *m || (word.len() >= 3 && m.starts_with(word) && word.len() <= 4))
        || MONTH_STEMS.iter().any(|m| word.starts_with(m))
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// A number found in a text, and whether it is part of a date ("16 June", "2025"), which
/// states no figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stated {
    pub(super) value: i64,
    pub(super) in_date: bool,
}

/// Every number a text states, in order. Digits may be grouped with `,`, a space or a thin or
/// no-break space ("1,245", "6 057"); "12 thousand", "1.2 million" and number words ("six
/// thousand", "twenty-one") count too. Decimals other than before a scale word are skipped.
pub(super) fn numbers(text: &str) -> Vec<Stated> {
    let (words, grouped) = tokens(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (value, used) = match number_at(&words[i..]) {
            Some(n) => n,
            None => {
                i += 1;
                continue;
            }
        };
        let before = i.checked_sub(1).map(|k| words[k].as_str());
        let after = words.get(i + used).map(String::as_str);
        let is_month = |w: Option<&str>| w.is_some_and(is_month);
        let year = used == 1 && !grouped[i] && words[i].len() == 4 && (1900..=2100).contains(&value);
        found.push(Stated {
            value,
            in_date: year || is_month(before) || is_month(after),
        });
        i += used;
    }
    found
}

/// Words and numbers, lowercased; digit groups joined ("6 057" is one token "6057", marked as
/// grouped: a year is never written so).
fn tokens(text: &str) -> (Vec<String>, Vec<bool>) {
    let mut out: Vec<String> = Vec::new();
    let mut grouped = Vec::new();
    let mut current = String::new();
    let mut current_grouped = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let grouping = matches!(c, ',' | ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}');
        // "1,245" and "6 057": a separator between digits followed by exactly three digits.
        let joins_group = grouping
            && current.chars().all(|d| d.is_ascii_digit())
            && !current.is_empty()
            && chars
                .get(i + 1..i + 4)
                .is_some_and(|g| g.iter().all(char::is_ascii_digit))
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit);
        // "1,22 тыс.": a comma between digits that is not a thousands separator is a decimal one.
        let decimal_comma = c == ','
            && !joins_group
            && !current.is_empty()
            && current.chars().all(|d| d.is_ascii_digit())
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if decimal_comma {
            current.push('.');
            i += 1;
            continue;
        }
        if joins_group {
            current_grouped = true;
            i += 1;
            continue;
        }
        if c.is_alphanumeric()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) && !current.is_empty())
        {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
            grouped.push(std::mem::take(&mut current_grouped));
        }
        i += 1;
    }
    if !current.is_empty() {
        out.push(current);
        grouped.push(current_grouped);
    }
    (out, grouped)
}

/// The number starting at `words[0]`, and how many words it takes.
fn number_at(words: &[String]) -> Option<(i64, usize)> {
    let first = words.first()?;
    if first.starts_with(|c: char| c.is_ascii_digit()) {
        let digits: String = first.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let scale = words.get(1).and_then(|w| scale_of(w));
        // "12k", "1.2m" written together.
        let suffix = &first[digits.len()..];
        let suffix_scale = match suffix {
            "k" => Some(1_000),
            "m" => Some(1_000_000),
            "" => None,
            _ => return None,
        };
        let factor = suffix_scale.or(scale).unwrap_or(1);
        let used = if suffix_scale.is_none() && scale.is_some() {
            2
        } else {
            1
        };
        let value = match digits.split_once('.') {
            None => digits.parse::<i64>().ok()?.checked_mul(factor)?,
            Some(_) if factor > 1 => (digits.parse::<f64>().ok()? * factor as f64).round() as i64,
            Some(_) => return None,
        };
        return Some((value, used));
    }
    number_words(words)
}

/// Scale words, in the languages the sources quote (Russian and Ukrainian "тыс.", "тисяч").
fn scale_of(word: &str) -> Option<i64> {
    match word {
        "hundred" => Some(100),
        "thousand" | "тыс" | "тысяча" | "тысячи" | "тысяч" | "тис" | "тисяча" | "тисячі" | "тисяч" => {
            Some(1_000)
        }
        "million" | "млн" => Some(1_000_000),
        "billion" => Some(1_000_000_000),
        _ => None,
    }
}

/// "six thousand and fifty-seven" (hyphens split words, so "fifty", "seven"). Words that
/// multiply past `i64` ("hundred hundred hundred …") are not a figure.
fn number_words(words: &[String]) -> Option<(i64, usize)> {
    let mut total = 0i64;
    let mut group = 0i64;
    let mut used = 0;
    let mut any = false;
    if words.len() >= 3 && words[..3] == ["not", "a", "single"] {
        return Some((0, 3));
    }
    for (k, word) in words.iter().enumerate() {
        if let Some(n) = UNITS.iter().position(|u| u == word) {
            group = group.checked_add(n as i64)?;
        } else if let Some(n) = TENS.iter().position(|t| t == word) {
            group = group.checked_add((n as i64 + 2) * 10)?;
        } else if word == "hundred" && any {
            group = group.max(1).checked_mul(100)?;
        } else if let Some(scale) = scale_of(word).filter(|_| any || word != "hundred") {
            total = total.checked_add(group.max(1).checked_mul(scale)?)?;
            group = 0;
        } else if word == "and" && any && k + 1 < words.len() {
            continue;
        } else {
            break;
        }
        any = true;
        used = k + 1;
    }
    // "one" alone is too often a pronoun ("one of them") to count as a figure.
    (any && !(used == 1 && words[0] == "one")).then_some((total.checked_add(group)?, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(i64, bool)> {
        numbers(text).into_iter().map(|s| (s.value, s.in_date)).collect()
    }

    #[test]
    fn reads_grouped_digits_and_words() {
        assert_eq!(values("Another 1,245 bodies returned"), [(1245, false)]);
        assert_eq!(values("CHQ says 6 057; the rest"), [(6057, false)]);
        assert_eq!(values("more than six thousand bodies"), [(6000, false)]);
        assert_eq!(values("six thousand and fifty-seven"), [(6057, false)]);
        assert_eq!(
            values("about 12 thousand, or 1.2 million"),
            [(12_000, false), (1_200_000, false)]
        );
        assert_eq!(values("12k bodies"), [(12_000, false)]);
        assert_eq!(values("one of them"), []);
        assert_eq!(values("1,22 тыс."), [(1220, false)]);
        assert_eq!(values("более 11 тыс."), [(11_000, false)]);
        assert_eq!(values("тела тысячи погибших, 26 воинов"), [(1000, false), (26, false)]);
        assert_eq!(values("Not a single one was handed over"), [(0, false)]);
    }

    #[test]
    fn numbers_past_i64_are_not_figures() {
        let hundreds = ["one", "hundred"].into_iter().chain(std::iter::repeat_n("hundred", 12));
        assert_eq!(values(&hundreds.collect::<Vec<_>>().join(" ")), []);
        assert_eq!(values("99999999999999999999 and 9223372036854775807k"), []);
    }

    #[test]
    fn dates_state_no_figure() {
        assert_eq!(
            values("on 16 June 2025, 909 bodies"),
            [(16, true), (2025, true), (909, false)]
        );
        assert_eq!(values("1,000, 2,000"), [(1000, false), (2000, false)]);
        assert_eq!(values("к 11 декабря"), [(11, true)]);
    }
}
