//! Calendar dates as the data gives them, with how precisely they are known.

use std::fmt;

/// A calendar day. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Builds a date, checking that the day exists in that month.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Today's date (UTC), for the tense: statements before today are "said".
    pub fn today() -> Date {
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400) as i64;
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date::new(year, month, day).unwrap_or(Date { year, month: 1, day: 1 })
    }

    pub fn month_name(self) -> &'static str {
        MONTHS[usize::from(self.month - 1)]
    }

    /// The day after (periods are tiled day by day).
    pub fn next_day(self) -> Date {
        let Date { year, month, day } = self;
        if day < days_in_month(year, month) {
            Date { day: day + 1, ..self }
        } else if month < 12 {
            Date {
                month: month + 1,
                day: 1,
                ..self
            }
        } else {
            Date {
                year: year.saturating_add(1),
                month: 1,
                day: 1,
            }
        }
    }

    /// The day before.
    pub fn previous_day(self) -> Date {
        let Date { year, month, day } = self;
        if day > 1 {
            Date { day: day - 1, ..self }
        } else if month > 1 {
            Date {
                month: month - 1,
                day: days_in_month(year, month - 1),
                ..self
            }
        } else {
            Date {
                year: year.saturating_sub(1),
                month: 12,
                day: 31,
            }
        }
    }

    /// ISO form, `2025-06-16`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 31,
    }
}

/// "16 June 2025", the form newsroom copy uses.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.day, self.month_name(), self.year)
    }
}

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    Day,
    Month,
    /// A window of days, ending on the given date (inclusive).
    Window(Date),
}

/// A date together with its precision: what stages and statements carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct When {
    pub date: Date,
    pub precision: Precision,
}

impl When {
    pub fn day(date: Date) -> When {
        When {
            date,
            precision: Precision::Day,
        }
    }

    /// The last day this covers.
    pub fn last_day(self) -> Date {
        match self.precision {
            Precision::Window(until) => until,
            _ => self.date,
        }
    }
}

/// "16 June 2025", "June 2025", "11–16 June 2025", "30 June – 2 July 2025".
impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            Precision::Day => write!(f, "{}", self.date),
            Precision::Month => write!(f, "{} {}", self.date.month_name(), self.date.year),
            Precision::Window(until) => write!(f, "{}", DateSpan(self.date, until)),
        }
    }
}

/// A span of days, written as compactly as it reads well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateSpan(pub Date, pub Date);

impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let DateSpan(a, b) = *self;
        if a == b {
            write!(f, "{a}")
        } else if a.year == b.year && a.month == b.month {
            write!(f, "{}–{} {} {}", a.day, b.day, a.month_name(), a.year)
        } else if a.year == b.year {
            write!(f, "{} {} – {b}", a.day, a.month_name())
        } else {
            write!(f, "{a} – {b}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_real_date() {
        let today = Date::today();
        assert!(today.year >= 2026 && Date::new(today.year, today.month, today.day).is_some());
    }

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn formats_like_copy() {
        assert_eq!(d(2025, 6, 16).to_string(), "16 June 2025");
        assert_eq!(DateSpan(d(2025, 6, 11), d(2025, 6, 16)).to_string(), "11–16 June 2025");
        assert_eq!(
            DateSpan(d(2025, 6, 30), d(2025, 7, 2)).to_string(),
            "30 June – 2 July 2025"
        );
        let month = When {
            date: d(2025, 6, 1),
            precision: Precision::Month,
        };
        assert_eq!(month.to_string(), "June 2025");
    }

    #[test]
    fn rejects_impossible_days() {
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2025, 13, 1).is_none());
        assert!(Date::new(2025, 4, 31).is_none());
    }
}

/// How copy writes dates: "16 June 2025" (the default) or "June 16, 2025". Replies are built in
/// the first; [`DateStyle::restyle`] turns a paste-ready sentence into the second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateStyle {
    #[default]
    DayMonth,
    MonthDay,
}

impl std::str::FromStr for DateStyle {
    type Err = String;

    /// Either example as written ("16 June 2025", "June 16, 2025"), or `day-month`/`month-day`.
    fn from_str(text: &str) -> Result<DateStyle, String> {
        match text.trim() {
            "16 June 2025" | "day-month" => Ok(DateStyle::DayMonth),
            "June 16, 2025" | "month-day" => Ok(DateStyle::MonthDay),
            other => Err(format!(
                "unknown date style `{other}`; write \"16 June 2025\" or \"June 16, 2025\""
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for DateStyle {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DateStyle, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl DateStyle {
    /// The text with its dates in this style: "between 11 and 16 June 2025" becomes "between
    /// June 11 and 16, 2025", "on 19 June" "on June 19".
    pub fn restyle(self, text: &str) -> String {
        if self == DateStyle::DayMonth {
            return text.to_string();
        }
        let words: Vec<&str> = text.split(' ').collect();
        let is_day = |w: &str| w.len() <= 2 && w.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d));
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let month = words[i];
            let bare = month.trim_end_matches(|c: char| !c.is_alphabetic());
            if !MONTHS.contains(&bare) || out.is_empty() || !is_day(out.last().unwrap()) {
                out.push(words[i].to_string());
                i += 1;
                continue;
            }
            let day = out.pop().unwrap();
            // "between 11 and 16 June": the month moves before the first day.
            let range = out.len() >= 2 && out[out.len() - 1] == "and" && is_day(&out[out.len() - 2]);
            let year = words
                .get(i + 1)
                .filter(|y| bare == month && y.len() >= 4 && y[..4].chars().all(|c| c.is_ascii_digit()));
            let text = match year {
                Some(year) => format!("{day}, {year}"),
                None => format!("{day}{}", &month[bare.len()..]),
            };
            if range {
                let first = out.len() - 2;
                out[first] = format!("{bare} {}", out[first]);
                out.push(text);
            } else {
                out.push(format!("{bare} {text}"));
            }
            i += if year.is_some() { 2 } else { 1 };
        }
        out.join(" ")
    }
}

#[cfg(test)]
mod style_tests {
    use super::DateStyle;

    #[test]
    fn dates_in_month_day_style() {
        let style = DateStyle::MonthDay;
        assert_eq!(
            style.restyle("said 1,245 bodies were handed to Ukraine on 16 June 2025; X put it at 1,248."),
            "said 1,245 bodies were handed to Ukraine on June 16, 2025; X put it at 1,248."
        );
        assert_eq!(
            style.restyle("handed between 11 and 16 June 2025; Y said on 19 June that 78"),
            "handed between June 11 and 16, 2025; Y said on June 19 that 78"
        );
        assert_eq!(style.restyle("in July 2025, 3 May"), "in July 2025, May 3");
        assert_eq!(DateStyle::DayMonth.restyle("on 16 June 2025"), "on 16 June 2025");
        assert_eq!("June 16, 2025".parse(), Ok(DateStyle::MonthDay));
    }
}
