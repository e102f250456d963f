//! The data file as written by editors: one TOML document per story.
//!
//! These structs mirror the file one to one (`deny_unknown_fields` everywhere, so a typo in a key
//! is an error with a position, never silently ignored). Values that a later check may need to
//! point at are kept `Spanned`. Nothing here is resolved or validated: see `dataset` for that.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

/// A whole data file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub story: Story,
    #[serde(default, rename = "side")]
    pub sides: Vec<Side>,
    #[serde(default, rename = "claimant")]
    pub claimants: Vec<Claimant>,
    #[serde(default, rename = "outlet")]
    pub outlets: Vec<Outlet>,
    #[serde(default, rename = "quantity")]
    pub quantities: Vec<Quantity>,
    #[serde(default, rename = "stage")]
    pub stages: Vec<Stage>,
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
    #[serde(default, rename = "topic")]
    pub topics: Vec<Topic>,
    #[serde(default, rename = "characterisation")]
    pub characterisations: Vec<Characterisation>,
    #[serde(default, rename = "editorial_note")]
    pub editorial_notes: Vec<EditorialNote>,
    #[serde(default, rename = "breakdown")]
    pub breakdowns: Vec<Breakdown>,
}

/// `[[breakdown]]`: a quantity that is made of others ("exchanged" = handed + received).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    pub id: Spanned<String>,
    /// The quantity the parts add up to.
    pub total: Spanned<String>,
    pub parts: Spanned<Vec<Spanned<String>>>,
    /// The parts account for the whole total (default); `false`: they are some of it.
    #[serde(default = "yes")]
    pub complete: bool,
}

fn yes() -> bool {
    true
}

/// `[story]`: what the file is about and who keeps it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Story {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub description: String,
    pub period: Spanned<Period>,
    #[serde(default)]
    pub maintainers: Vec<Spanned<String>>,
    pub last_reviewed: Spanned<Datetime>,
    /// The quantity `total` shows when none is named.
    #[serde(default)]
    pub primary_quantity: Option<Spanned<String>>,
}

/// A span of dates, both ends included.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: Spanned<Datetime>,
    pub to: Spanned<Datetime>,
}

/// `[[side]]`: a party to the story (e.g. Ukraine, Russia, or news outlets speaking for themselves).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    /// "party" (default): a party to the story; "outlet": news outlets stating figures of their own.
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
}

/// `[[claimant]]`: who asserts a figure. Not the outlet that reported it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claimant {
    pub id: Spanned<String>,
    /// The name used in replies and paste-ready sentences.
    pub name: Spanned<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    pub side: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// `[[outlet]]`: who reported a claim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outlet {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    /// Reliability flags: "wire-copy", "mirror", "aggregator".
    #[serde(default)]
    pub flags: Vec<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
}

/// `[[quantity]]`: a thing being counted.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    pub id: Spanned<String>,
    /// Short noun phrase: "bodies handed to Ukraine".
    pub label: Spanned<String>,
    /// "bodies", "%", "months".
    pub unit: Spanned<String>,
    /// Completes "1,245 bodies …" in a sentence: "were handed to Ukraine".
    pub verb_phrase: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
}

/// `[[stage]]`: an event the figures refer to, with a dated point or window.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub date: Spanned<Datetime>,
    /// "day" (default), "month", or "window" (then `until` is the last day).
    #[serde(default)]
    pub precision: Option<Spanned<String>>,
    #[serde(default)]
    pub until: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// `[[claim]]`: one figure as stated by one claimant (or several who said the same).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: Spanned<String>,
    pub quantity: Spanned<String>,
    /// A per-stage figure: the stage it covers.
    #[serde(default)]
    pub stage: Option<Spanned<String>>,
    /// A cumulative figure: the dates it covers. Neither `stage` nor `period`: a figure about the
    /// story as a whole (a deal's size, an offer).
    #[serde(default)]
    pub period: Option<Spanned<Period>>,
    pub claimants: Spanned<Vec<Spanned<String>>>,
    /// When it was said; may be left out when a citation has `published` (the earliest is used,
    /// and replies say "reported").
    #[serde(default)]
    pub said: Option<Spanned<Datetime>>,
    /// "day" (default) or "month" when only the month is known.
    #[serde(default)]
    pub said_precision: Option<Spanned<String>>,
    /// The date this claim gives for its stage, when it differs from the stage's own date.
    #[serde(default)]
    pub event_date: Option<Spanned<Datetime>>,
    /// An integer or a decimal (`7.8`); see [`Number`].
    pub value: Spanned<Number>,
    /// "exact" (default), "more than", "at least", "about", "nearly", "up to", "fewer than", "range".
    #[serde(default)]
    pub qualifier: Option<Spanned<String>>,
    /// Upper end, with `qualifier = "range"` (then `value` is the lower end).
    #[serde(default)]
    pub high: Option<Spanned<Number>>,
    /// The original wording where it matters: "more than 6,000".
    #[serde(default)]
    pub wording: Option<String>,
    #[serde(default)]
    pub status: Option<Spanned<String>>,
    #[serde(default)]
    pub superseded_by: Option<Spanned<String>>,
    #[serde(default)]
    pub retracted: Option<Spanned<Retraction>>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default, rename = "citation")]
    pub citations: Vec<Citation>,
}

/// When and why a claim was withdrawn.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retraction {
    pub on: Spanned<Datetime>,
    pub reason: Spanned<String>,
}

/// `[[claim.citation]]`: where a claim was reported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub outlet: Spanned<String>,
    pub url: Spanned<String>,
    /// Absent when the stored copy shows no date.
    #[serde(default)]
    pub published: Option<Spanned<Datetime>>,
    /// How the date was found, e.g. "URL date".
    #[serde(default)]
    pub published_note: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

/// `[[topic]]`: a question the parties answer in words, not numbers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: Spanned<String>,
    pub question: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
}

/// `[[characterisation]]`: how one claimant answers a topic.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Characterisation {
    pub id: Spanned<String>,
    pub topic: Spanned<String>,
    pub claimants: Spanned<Vec<Spanned<String>>>,
    /// As for claims: may be left out when a citation has `published`.
    #[serde(default)]
    pub said: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub said_precision: Option<Spanned<String>>,
    /// A short label; two claimants with different stances on one topic disagree.
    pub stance: Spanned<String>,
    /// One sentence in the data's words.
    pub summary: Spanned<String>,
    #[serde(default)]
    pub status: Option<Spanned<String>>,
    #[serde(default)]
    pub superseded_by: Option<Spanned<String>>,
    #[serde(default)]
    pub retracted: Option<Spanned<Retraction>>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default, rename = "citation")]
    pub citations: Vec<Citation>,
}

/// `[[editorial_note]]`: a remark shown with any computed discrepancy that involves all these claims.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditorialNote {
    pub claims: Spanned<Vec<Spanned<String>>>,
    pub text: Spanned<String>,
    #[serde(default)]
    pub citation: Option<Citation>,
}

/// A figure's number as TOML reads it: an integer, or a decimal that the TOML parser has already
/// made a binary float. The loader recovers a decimal's digits as written from the file's text
/// (by the value's span), so the float is only used to tell `nan` and `inf` apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Integer(i64),
    Float(f64),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Number, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, like 1245 or 7.8")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Integer(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
                i64::try_from(v)
                    .map(Number::Integer)
                    .map_err(|_| E::custom(format!("{v} is too large for a figure")))
            }
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Number, E> {
                Err(E::custom(format!("{v} is too large for a figure")))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
