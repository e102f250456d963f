//! A stated number with its qualifier ("more than 6,000"), and the arithmetic that keeps the
//! qualifier honest when figures are added up or compared.

use std::fmt;

/// How a number was stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qualifier {
    Exact,
    MoreThan,
    AtLeast,
    About,
    Nearly,
    UpTo,
    FewerThan,
    Range,
}

impl Qualifier {
    /// Every qualifier with the word the data file uses for it.
    pub const ALL: [(Qualifier, &'static str); 8] = [
        (Qualifier::Exact, "exact"),
        (Qualifier::MoreThan, "more than"),
        (Qualifier::AtLeast, "at least"),
        (Qualifier::About, "about"),
        (Qualifier::Nearly, "nearly"),
        (Qualifier::UpTo, "up to"),
        (Qualifier::FewerThan, "fewer than"),
        (Qualifier::Range, "range"),
    ];

    pub fn parse(word: &str) -> Option<Qualifier> {
        Self::ALL.iter().find(|(_, w)| *w == word).map(|(q, _)| *q)
    }

    pub fn word(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(q, _)| *q == self)
            .map(|(_, w)| *w)
            .unwrap_or("exact")
    }

    fn is_lower_bound(self) -> bool {
        matches!(self, Qualifier::MoreThan | Qualifier::AtLeast)
    }

    fn is_upper_bound(self) -> bool {
        matches!(self, Qualifier::UpTo | Qualifier::FewerThan)
    }
}

/// A stated figure: `value` with its qualifier; `high` is the top of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Figure {
    pub qualifier: Qualifier,
    pub value: i64,
    /// Only for `Qualifier::Range`; equals `value` otherwise.
    pub high: i64,
}

/// How far "about" and "nearly" may stray from the stated number when figures are compared.
/// "About 3,000" is taken as 2,700–3,300; "nearly 5,000" as 4,500 up to (not including) 5,000.
pub const APPROXIMATION_PERCENT: i64 = 10;

/// Why two figures cannot be added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixedBounds;

impl Figure {
    pub fn exact(value: i64) -> Figure {
        Figure::new(Qualifier::Exact, value)
    }

    pub fn new(qualifier: Qualifier, value: i64) -> Figure {
        Figure {
            qualifier,
            value,
            high: value,
        }
    }

    pub fn range(low: i64, high: i64) -> Figure {
        Figure {
            qualifier: Qualifier::Range,
            value: low,
            high,
        }
    }

    pub fn is_exact(&self) -> bool {
        self.qualifier == Qualifier::Exact
    }

    /// Adds two figures, carrying the qualifier through: more than 6,000 plus 51 is more than
    /// 6,051; anything plus an "about" is "about". A lower bound plus an upper bound says nothing
    /// about the sum, so that is refused rather than guessed.
    pub fn checked_add(self, other: Figure) -> Result<Figure, MixedBounds> {
        use Qualifier::*;
        let (a, b) = (self.qualifier, other.qualifier);
        let low = self.value + other.value;
        let high = self.high + other.high;
        let qualifier = if a == About || b == About {
            About
        } else if a == Nearly || b == Nearly {
            match (a, b) {
                (Nearly | Exact, Nearly | Exact) => Nearly,
                _ => About,
            }
        } else if (a.is_lower_bound() && b.is_upper_bound()) || (a.is_upper_bound() && b.is_lower_bound()) {
            return Err(MixedBounds);
        } else if a.is_lower_bound() || b.is_lower_bound() {
            // "more than" wins over "at least": the sum is strictly above the sum of the bounds.
            if a == MoreThan || b == MoreThan {
                MoreThan
            } else {
                AtLeast
            }
        } else if a.is_upper_bound() || b.is_upper_bound() {
            if a == FewerThan || b == FewerThan {
                FewerThan
            } else {
                UpTo
            }
        } else if a == Range || b == Range {
            Range
        } else {
            Exact
        };
        Ok(match qualifier {
            Range => Figure::range(low, high),
            // An upper bound plus a range is bounded by the range's top.
            UpTo | FewerThan => Figure::new(qualifier, high),
            _ => Figure::new(qualifier, low),
        })
    }

    /// The values this figure allows, as a closed interval of integers (`None` = unbounded).
    pub fn interval(&self) -> (Option<i64>, Option<i64>) {
        let v = self.value;
        let slack = (v.abs() * APPROXIMATION_PERCENT + 99) / 100;
        match self.qualifier {
            Qualifier::Exact => (Some(v), Some(v)),
            Qualifier::MoreThan => (Some(v + 1), None),
            Qualifier::AtLeast => (Some(v), None),
            Qualifier::About => (Some(v - slack), Some(v + slack)),
            Qualifier::Nearly => (Some(v - slack), Some(v - 1)),
            Qualifier::UpTo => (None, Some(v)),
            Qualifier::FewerThan => (None, Some(v - 1)),
            Qualifier::Range => (Some(v), Some(self.high)),
        }
    }

    /// Whether some single true value could make both figures right.
    pub fn compatible_with(&self, other: &Figure) -> bool {
        let (lo1, hi1) = self.interval();
        let (lo2, hi2) = other.interval();
        let lo = lo1.max(lo2); // None < Some, so max of two lows is the tighter
        let hi = match (hi1, hi2) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (lo, hi) {
            (Some(lo), Some(hi)) => lo <= hi,
            _ => true,
        }
    }

    /// The figure with its unit: "more than 6,000 bodies", "15–20%".
    pub fn with_unit(&self, unit: &str) -> String {
        if unit == "%" {
            format!("{self}%")
        } else {
            format!("{self} {unit}")
        }
    }
}

/// "1,245", "more than 6,000", "15–20".
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Qualifier::Exact => write!(f, "{}", Grouped(self.value)),
            Qualifier::Range => write!(f, "{}–{}", Grouped(self.value), Grouped(self.high)),
            q => write!(f, "{} {}", q.word(), Grouped(self.value)),
        }
    }
}

/// Digits grouped by thousands with commas: 6057 → "6,057".
pub fn thousands(n: i64) -> String {
    Grouped(n).to_string()
}

/// Writes a number grouped by thousands straight into a formatter, without allocating: figures
/// are formatted many times per reply.
#[derive(Debug, Clone, Copy)]
pub struct Grouped(pub i64);

impl fmt::Display for Grouped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // i64 has at most 19 digits, 6 commas and a sign.
        let mut buf = [0u8; 27];
        let mut at = buf.len();
        let mut rest = self.0.unsigned_abs();
        let mut digits = 0;
        loop {
            if digits > 0 && digits % 3 == 0 {
                at -= 1;
                buf[at] = b',';
            }
            at -= 1;
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            digits += 1;
            if rest == 0 {
                break;
            }
        }
        if self.0 < 0 {
            at -= 1;
            buf[at] = b'-';
        }
        f.write_str(std::str::from_utf8(&buf[at..]).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_propagate_through_sums() {
        let more = Figure::new(Qualifier::MoreThan, 6000);
        assert_eq!(
            more.checked_add(Figure::exact(51)).unwrap().to_string(),
            "more than 6,051"
        );
        let about = Figure::new(Qualifier::About, 3000);
        assert_eq!(
            about.checked_add(Figure::exact(239)).unwrap().to_string(),
            "about 3,239"
        );
        assert_eq!(about.checked_add(more).unwrap().qualifier, Qualifier::About);
        assert_eq!(
            Figure::exact(27).checked_add(Figure::exact(51)).unwrap(),
            Figure::exact(78)
        );
        assert_eq!(more.checked_add(Figure::new(Qualifier::UpTo, 5)), Err(MixedBounds));
        assert_eq!(
            Figure::range(15, 20).checked_add(Figure::exact(1)).unwrap().to_string(),
            "16–21"
        );
    }

    #[test]
    fn compatibility_follows_the_qualifier() {
        let more_6000 = Figure::new(Qualifier::MoreThan, 6000);
        assert!(more_6000.compatible_with(&Figure::exact(6057)));
        assert!(!Figure::exact(1245).compatible_with(&Figure::exact(1248)));
        assert!(!Figure::exact(2239).compatible_with(&Figure::new(Qualifier::About, 3000)));
        assert!(Figure::new(Qualifier::Nearly, 5000).compatible_with(&Figure::exact(4812)));
        assert!(!Figure::new(Qualifier::MoreThan, 1212).compatible_with(&Figure::exact(1212)));
        assert!(Figure::new(Qualifier::FewerThan, 100).compatible_with(&Figure::exact(78)));
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(6057), "6,057");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1200), "-1,200");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
        assert_eq!(thousands(i64::MAX), "9,223,372,036,854,775,807");
    }
}
