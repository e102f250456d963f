//! A stated number with its qualifier ("more than 6,000", "about 7.8"), and the arithmetic that
//! keeps the qualifier honest when figures are added up or compared. Numbers are exact decimals
//! ([`Number`]) that remember how many places the file wrote.

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
    pub value: Number,
    /// Only for `Qualifier::Range`; equals `value` otherwise.
    pub high: Number,
}

/// How far "about" and "nearly" may stray from the stated number when figures are compared.
/// "About 3,000" is taken as 2,700–3,300; "nearly 5,000" as 4,500 up to (not including) 5,000.
pub const APPROXIMATION_PERCENT: i128 = 10;

/// Why two figures cannot be added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixedBounds;

impl Figure {
    pub fn exact(value: impl Into<Number>) -> Figure {
        Figure::new(Qualifier::Exact, value)
    }

    pub fn new(qualifier: Qualifier, value: impl Into<Number>) -> Figure {
        let value = value.into();
        Figure {
            qualifier,
            value,
            high: value,
        }
    }

    pub fn range(low: impl Into<Number>, high: impl Into<Number>) -> Figure {
        Figure {
            qualifier: Qualifier::Range,
            value: low.into(),
            high: high.into(),
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

    /// The values this figure states, in millionths, as a closed interval (`None` = unbounded).
    /// A whole number is a count: "more than 1,212" starts at 1,213. A decimal is a measure:
    /// "more than 4.5" is anything above 4.5. The slack of "about" is rounded up to the last
    /// written place.
    pub fn interval(&self) -> (Option<i128>, Option<i128>) {
        let v = self.value.micros();
        let unit = self.value.unit();
        let per = 100 * unit;
        let slack = (v.abs() * APPROXIMATION_PERCENT + per - 1) / per * unit;
        // The step past a strict bound: one for counts, one millionth for measures.
        let step = if self.value.places() == 0 { unit } else { 1 };
        match self.qualifier {
            Qualifier::Exact => (Some(v), Some(v)),
            Qualifier::MoreThan => (Some(v + step), None),
            Qualifier::AtLeast => (Some(v), None),
            Qualifier::About => (Some(v - slack), Some(v + slack)),
            Qualifier::Nearly => (Some(v - slack), Some(v - step)),
            Qualifier::UpTo => (None, Some(v)),
            Qualifier::FewerThan => (None, Some(v - step)),
            Qualifier::Range => (Some(v), Some(self.high.micros())),
        }
    }

    /// The values this figure agrees with when compared, in millionths: its [`interval`], and
    /// for an exact decimal everything that rounds to it at the written places (7.8 is
    /// 7.75 up to, not including, 7.85), so that 7.8 and 7.81 differ in precision only while
    /// 7.7 and 7.8 conflict.
    ///
    /// [`interval`]: Figure::interval
    pub fn interval_as_read(&self) -> (Option<i128>, Option<i128>) {
        let (low, high) = self.interval();
        let places = self.value.places();
        if self.qualifier == Qualifier::Exact && places > 0 && places < MAX_PLACES {
            let half = self.value.unit() / 2;
            (low.map(|l| l - half), high.map(|h| h + half - 1))
        } else {
            (low, high)
        }
    }

    /// Whether some single true value could make both figures right, each read at its written
    /// precision.
    pub fn compatible_with(&self, other: &Figure) -> bool {
        let (lo1, hi1) = self.interval_as_read();
        let (lo2, hi2) = other.interval_as_read();
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

/// "1,245", "more than 6,000", "15–20", "7.8".
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Qualifier::Exact => write!(f, "{}", self.value),
            Qualifier::Range => write!(f, "{}–{}", self.value, self.high),
            q => write!(f, "{} {}", q.word(), self.value),
        }
    }
}

/// Digits grouped by thousands with commas: 6057 → "6,057".
pub fn thousands(n: i64) -> String {
    Grouped(n).to_string()
}

/// Writes a whole number grouped by thousands straight into a formatter.
#[derive(Debug, Clone, Copy)]
pub struct Grouped(pub i64);

impl fmt::Display for Grouped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 0 {
            f.write_str("-")?;
        }
        write_grouped(f, u128::from(self.0.unsigned_abs()))
    }
}

/// Writes digits grouped by thousands, without allocating: figures are formatted many times per
/// reply.
fn write_grouped(f: &mut fmt::Formatter<'_>, n: u128) -> fmt::Result {
    // u128 has at most 39 digits, and 12 commas.
    let mut buf = [0u8; 52];
    let mut at = buf.len();
    let mut rest = n;
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
    f.write_str(std::str::from_utf8(&buf[at..]).map_err(|_| fmt::Error)?)
}

/// Decimal places a figure may have: enough for any rate or magnitude copy quotes.
pub const MAX_PLACES: u8 = 6;

/// Millionths in one.
const ONE: i128 = 1_000_000;

/// A number exactly as written: whole millionths, so 0.1 is exactly 0.1 (never a binary float),
/// and the decimal places the file wrote, so 7.80 stays "7.80". Integers have no places.
///
/// Ordered by value first; 7.8 and 7.80 are equal in value but are not the same figure as
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number {
    micros: i128,
    places: u8,
}

/// Why a number as written cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// `nan`, `inf` or an exponent: not a figure as copy writes it.
    NotPlain,
    /// More decimal places than [`MAX_PLACES`]; how many were written.
    TooManyPlaces(usize),
}

impl Number {
    pub const ZERO: Number = Number { micros: 0, places: 0 };

    pub const fn int(n: i64) -> Number {
        Number {
            micros: n as i128 * ONE,
            places: 0,
        }
    }

    /// Reads a number as a TOML file writes it (`7.8`, `-0.25`, `1_000.5`, `42`), keeping the
    /// written places.
    pub fn parse(text: &str) -> Result<Number, NumberError> {
        let (negative, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let digits = digits.replace('_', "");
        let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(NumberError::NotPlain);
        }
        if fraction.len() > usize::from(MAX_PLACES) {
            return Err(NumberError::TooManyPlaces(fraction.len()));
        }
        // Bounded so the millionths fit: far above any figure (the loader's limit is 10^12).
        if whole.trim_start_matches('0').len() > 24 {
            return Err(NumberError::NotPlain);
        }
        let whole: i128 = whole.parse().map_err(|_| NumberError::NotPlain)?;
        let places = fraction.len() as u8;
        let fraction: i128 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().map_err(|_| NumberError::NotPlain)?
        };
        let micros = whole * ONE + fraction * 10i128.pow(u32::from(MAX_PLACES - places));
        Ok(Number {
            micros: if negative { -micros } else { micros },
            places,
        })
    }

    /// A value in millionths, shown with `places` decimal places (sums keep their terms' finest).
    pub fn from_micros(micros: i128, places: u8) -> Number {
        Number {
            micros,
            places: places.min(MAX_PLACES),
        }
    }

    /// The value in millionths.
    pub fn micros(self) -> i128 {
        self.micros
    }

    /// Decimal places as written (0 for an integer).
    pub fn places(self) -> u8 {
        self.places
    }

    /// The value, when it is a whole number that fits an `i64`.
    pub fn as_i64(self) -> Option<i64> {
        (self.micros % ONE == 0)
            .then(|| i64::try_from(self.micros / ONE).ok())
            .flatten()
    }

    /// One in the last written place, in millionths: 1,000,000 for an integer, 100,000 for 7.8.
    pub fn unit(self) -> i128 {
        10i128.pow(u32::from(MAX_PLACES - self.places.min(MAX_PLACES)))
    }

    pub fn abs(self) -> Number {
        Number {
            micros: self.micros.abs(),
            places: self.places,
        }
    }

    pub fn is_negative(self) -> bool {
        self.micros < 0
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        Number::int(n)
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Number {
        Number::int(i64::from(n))
    }
}

/// A sum keeps the finer precision of its terms: 7.8 + 0.25 = 8.05.
impl std::ops::Add for Number {
    type Output = Number;
    fn add(self, other: Number) -> Number {
        Number {
            micros: self.micros + other.micros,
            places: self.places.max(other.places),
        }
    }
}

impl std::ops::Sub for Number {
    type Output = Number;
    fn sub(self, other: Number) -> Number {
        Number {
            micros: self.micros - other.micros,
            places: self.places.max(other.places),
        }
    }
}

impl std::iter::Sum for Number {
    fn sum<I: Iterator<Item = Number>>(iter: I) -> Number {
        iter.fold(Number::ZERO, |a, b| a + b)
    }
}

/// "1,245", "7.8", "0.10", "1,200.5": grouped by thousands, with the places as written.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.micros.unsigned_abs();
        let one = ONE as u128;
        if self.micros < 0 {
            f.write_str("-")?;
        }
        write_grouped(f, abs / one)?;
        // Never hide digits: a value finer than its places (none arises from the file) shows them.
        let mut places = self.places.min(MAX_PLACES);
        let mut rest = abs % one;
        while places < MAX_PLACES && !rest.is_multiple_of(10u128.pow(u32::from(MAX_PLACES - places))) {
            places += 1;
        }
        if places > 0 {
            rest /= 10u128.pow(u32::from(MAX_PLACES - places));
            write!(f, ".{rest:0width$}", width = usize::from(places))?;
        }
        Ok(())
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

    #[test]
    fn decimals_keep_their_written_digits() {
        for text in [
            "7.8", "7.80", "0.1", "17.9", "15.5", "1,200.5", "0.000001", "42", "-0.25",
        ] {
            let n = Number::parse(&text.replace(',', "")).unwrap();
            assert_eq!(n.to_string(), text);
        }
        assert_eq!(Number::parse("1_000.50").unwrap().to_string(), "1,000.50");
        assert_eq!(Number::parse("0.1").unwrap().micros(), 100_000);
        assert_eq!(Number::parse("7.1234567"), Err(NumberError::TooManyPlaces(7)));
        for bad in ["nan", "inf", "7.8e3", "1e6", "7.", ".5", ""] {
            assert_eq!(Number::parse(bad), Err(NumberError::NotPlain), "{bad}");
        }
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        let n = |s: &str| Number::parse(s).unwrap();
        // 0.1 + 0.2 is 0.3, not 0.30000000000000004.
        assert_eq!((n("0.1") + n("0.2")).to_string(), "0.3");
        assert_eq!((n("7.8") + n("0.25")).to_string(), "8.05");
        assert_eq!((n("24.1") - n("17.9")).to_string(), "6.2");
        let about = Figure::new(Qualifier::About, n("7.8"));
        assert_eq!(about.to_string(), "about 7.8");
        assert_eq!(
            Figure::new(Qualifier::MoreThan, n("4.5")).with_unit("km"),
            "more than 4.5 km"
        );
        assert_eq!(Figure::exact(n("15.5")).with_unit("%"), "15.5%");
        assert_eq!(
            Figure::exact(n("1.2"))
                .checked_add(Figure::exact(n("0.35")))
                .unwrap()
                .to_string(),
            "1.55"
        );
    }

    #[test]
    fn decimals_compare_at_their_written_precision() {
        let exact = |s: &str| Figure::exact(Number::parse(s).unwrap());
        // Differs only below 7.8's last written digit: a precision difference.
        assert!(exact("7.8").compatible_with(&exact("7.81")));
        assert!(exact("7.8").compatible_with(&exact("7.80")));
        // Two agencies' magnitudes and depths.
        assert!(!exact("7.8").compatible_with(&exact("7.7")));
        assert!(!exact("17.9").compatible_with(&exact("24.1")));
        // "more than 4.5" is anything above 4.5, not only 4.6 and up.
        assert!(Figure::new(Qualifier::MoreThan, Number::parse("4.5").unwrap()).compatible_with(&exact("4.55")));
        // "about 7.8" is 7.8 ± 0.8 (10%, rounded up to the written place).
        let about = Figure::new(Qualifier::About, Number::parse("7.8").unwrap());
        assert_eq!(about.interval(), (Some(7_000_000), Some(8_600_000)));
        // Whole numbers stay counts.
        assert!(!Figure::new(Qualifier::MoreThan, 1212).compatible_with(&Figure::exact(1212)));
    }
}
