//! The rules each value of a data file must follow (ids, texts, dates, figures, statuses), each
//! broken rule reported at its position.

use std::collections::HashMap;

use toml::Spanned;
use toml::value::Datetime;

use super::resolve::{Index, Resolver};
use super::{MAX_ID_LEN, MAX_VALUE};
use crate::dataset::{self as ds, Status};
use crate::date::{Date, Precision, When};
use crate::figure::{Figure, MAX_PLACES, Number, NumberError, Qualifier};
use crate::model;
use crate::suggest::closest;

impl Resolver<'_> {
    /// Breakdowns: known quantities of one unit, each part once and never its own total, and no
    /// quantity made, through other breakdowns, of itself.
    pub(super) fn breakdowns(
        &mut self,
        breakdowns: &[model::Breakdown],
        quantities_ix: &Index,
        quantities: &[ds::Quantity],
    ) -> Vec<ds::Breakdown> {
        let _ = self.index("breakdown", breakdowns.iter().map(|b| &b.id));
        let mut resolved = Vec::new();
        for b in breakdowns {
            self.id(&b.id);
            let total = self.reference(quantities_ix, &b.total);
            let mut parts: Vec<usize> = Vec::new();
            if b.parts.get_ref().is_empty() {
                self.error(b.parts.span(), "a breakdown needs at least one part");
            }
            for part in b.parts.get_ref() {
                let Some(q) = self.reference(quantities_ix, part) else {
                    continue;
                };
                if Some(q) == total {
                    self.error(
                        part.span(),
                        format!("`{}` is the breakdown's own total, not a part of it", part.get_ref()),
                    );
                } else if parts.contains(&q) {
                    self.error(
                        part.span(),
                        format!("`{}` is listed twice in this breakdown", part.get_ref()),
                    );
                } else if let Some(t) = total
                    && quantities[q].unit != quantities[t].unit
                {
                    self.error(
                        part.span(),
                        format!(
                            "`{}` is counted in {}, but the total `{}` in {}: parts must have the total's unit",
                            part.get_ref(),
                            quantities[q].unit,
                            b.total.get_ref(),
                            quantities[t].unit
                        ),
                    );
                } else {
                    parts.push(q);
                }
            }
            if let Some(total) = total {
                resolved.push((
                    b,
                    ds::Breakdown {
                        id: b.id.get_ref().clone(),
                        total,
                        parts,
                        complete: b.complete,
                    },
                ));
            }
        }
        // A quantity that is, through breakdowns, a part of itself: reported at the total of each
        // breakdown on the loop.
        let mut made_of: HashMap<usize, Vec<usize>> = HashMap::new();
        for (_, b) in &resolved {
            made_of.entry(b.total).or_default().extend(&b.parts);
        }
        for (file_b, b) in &resolved {
            let mut stack: Vec<usize> = b.parts.clone();
            let mut seen = std::collections::HashSet::new();
            while let Some(q) = stack.pop() {
                if q == b.total {
                    self.error(
                        file_b.total.span(),
                        format!(
                            "breakdowns go round in a circle: `{}` ends up as a part of itself",
                            b.id
                        ),
                    );
                    break;
                }
                if seen.insert(q) {
                    stack.extend(made_of.get(&q).into_iter().flatten());
                }
            }
        }
        resolved.into_iter().map(|(_, b)| b).collect()
    }

    pub(super) fn id(&mut self, id: &Spanned<String>) {
        let text = id.get_ref();
        let odd = text.chars().find(|&c| !(c.is_alphanumeric() || "-_.:".contains(c)));
        if text.trim().is_empty() {
            self.error(id.span(), "empty id");
        } else if text.chars().any(char::is_whitespace) {
            self.error(
                id.span(),
                format!(
                    "id `{}` contains white space; use `-` between words",
                    text.escape_debug()
                ),
            );
        } else if let Some(c) = odd {
            // Ids reach Markdown, URLs and Discord choice values: plain characters only.
            let shown = if c.is_control() || super::text::is_invisible(c) {
                super::code_point(c)
            } else {
                format!("`{c}`")
            };
            self.error(
                id.span(),
                format!(
                    "id `{}` contains {shown}; ids may contain only letters, digits and `-`, `_`, `.`, `:`",
                    text.escape_debug()
                ),
            );
        } else if text.len() > MAX_ID_LEN {
            self.error(
                id.span(),
                format!("id is {} bytes long; the limit is {MAX_ID_LEN}", text.len()),
            );
        }
    }

    pub(super) fn text(&mut self, what: &str, value: &Spanned<String>) -> String {
        if value.get_ref().trim().is_empty() {
            self.error(value.span(), format!("empty {what}"));
        } else if super::visible(value.get_ref()).trim().is_empty() {
            self.error(
                value.span(),
                format!("empty {what}: it holds only invisible characters"),
            );
        }
        value.get_ref().clone()
    }

    /// An outlet's reliability flag: one of a closed list, so that answers can rely on it.
    pub(super) fn flag(&mut self, flag: &Spanned<String>) -> String {
        let word = flag.get_ref();
        if !FLAGS.contains(&word.as_str()) {
            let hint = did_you_mean(word, &FLAGS, FLAG_SYNONYMS);
            self.error(
                flag.span(),
                format!("unknown flag `{word}`{hint} (expected `wire-copy`, `mirror` or `aggregator`)"),
            );
        }
        word.clone()
    }

    pub(super) fn aliases(&mut self, aliases: &[Spanned<String>]) -> Vec<String> {
        aliases.iter().map(|a| self.text("alias", a)).collect()
    }

    /// An alias that also names another thing of the same kind would make lookups ambiguous.
    pub(super) fn check_aliases<'f>(
        &mut self,
        kind: &str,
        items: impl Iterator<Item = (&'f Spanned<String>, &'f Spanned<String>, &'f Vec<Spanned<String>>)>,
    ) {
        // Look-alike key → (owning id, whether the key came from an id). Two ids that read
        // alike are reported by `index`, for every kind.
        let mut owners: HashMap<String, (&'f str, bool)> = HashMap::new();
        let items: Vec<_> = items.collect();
        for (id, name, _) in &items {
            for (what, text) in [("id", *id), ("name", *name)] {
                let key = super::lookalike_key(text.get_ref());
                match owners.get(&key) {
                    Some((_, true)) if what == "id" => {}
                    Some((owner, _)) if *owner != id.get_ref().as_str() => {
                        let msg = format!(
                            "{what} `{}` of {kind} `{}` reads the same as a name of {kind} `{owner}`: lookups could not tell them apart",
                            text.get_ref().escape_debug(),
                            id.get_ref()
                        );
                        self.error(text.span(), msg);
                    }
                    _ => {
                        owners.insert(key, (id.get_ref(), what == "id"));
                    }
                }
            }
        }
        for (id, _, aliases) in &items {
            for alias in aliases.iter() {
                let key = super::lookalike_key(alias.get_ref());
                match owners.get(&key) {
                    Some((owner, _)) if *owner != id.get_ref().as_str() => {
                        let msg = format!(
                            "alias `{}` of {kind} `{}` already names {kind} `{owner}`",
                            alias.get_ref().escape_debug(),
                            id.get_ref()
                        );
                        self.error(alias.span(), msg);
                    }
                    _ => {
                        owners.insert(key, (id.get_ref(), false));
                    }
                }
            }
        }
    }

    /// Resolves a claim's claimants; they must speak for one side, since answers attribute
    /// each claim to a side.
    pub(super) fn same_side_claimants(
        &mut self,
        index: &Index,
        claimants: &[ds::Claimant],
        names: &Spanned<Vec<Spanned<String>>>,
    ) -> Vec<usize> {
        let resolved = self.references(index, names);
        if let Some(first) = resolved.first()
            && let Some(other) = resolved.iter().find(|&&c| claimants[c].side != claimants[*first].side)
        {
            let (a, b) = (&claimants[*first], &claimants[*other]);
            let msg = format!(
                "claimants `{}` and `{}` speak for different sides; record each side's statement as a claim of its own",
                a.id, b.id
            );
            self.error(names.span(), msg);
        }
        resolved
    }

    pub(super) fn side_kind(&mut self, kind: Option<&Spanned<String>>) -> bool {
        match kind.map(|k| (k, k.get_ref().as_str())) {
            None | Some((_, "party")) => false,
            Some((_, "outlet")) => true,
            Some((k, other)) => {
                let hint = did_you_mean(other, &["party", "outlet"], &[]);
                self.error(
                    k.span(),
                    format!("unknown side kind `{other}`{hint} (expected `party` or `outlet`)"),
                );
                false
            }
        }
    }

    pub(super) fn date(&mut self, value: &Spanned<Datetime>) -> Date {
        let dt = value.get_ref();
        let date = match (dt.date, dt.time) {
            (Some(d), None) => Date::new(d.year, d.month, d.day),
            _ => None,
        };
        date.unwrap_or_else(|| {
            self.error(value.span(), format!("expected a date like 2025-06-16, found `{dt}`"));
            // Inside the period, so a bad date is not also reported as outside it.
            self.period.map_or(
                Date {
                    year: 1970,
                    month: 1,
                    day: 1,
                },
                |(from, _)| from,
            )
        })
    }

    pub(super) fn in_period(&mut self, span: &Spanned<Datetime>, date: Date, what: &str) {
        if let Some((from, to)) = self.period
            && (date < from || date > to)
        {
            let msg = format!(
                "{what} {} is outside the story's period ({} to {})",
                date.iso(),
                from.iso(),
                to.iso()
            );
            self.error(span.span(), msg);
        }
    }

    /// When a statement was made, and whether that is only when it was first reported (no
    /// `said`: the earliest `published` of its citations). Statements may come before or after
    /// the story's period (deal terms, retrospective totals), so `said` is not held to it.
    pub(super) fn said(
        &mut self,
        id: &Spanned<String>,
        said: Option<&Spanned<Datetime>>,
        precision: Option<&Spanned<String>>,
        citations: &[model::Citation],
    ) -> (When, bool) {
        let Some(said) = said else {
            let published = citations
                .iter()
                .filter_map(|c| c.published.as_ref())
                .map(|p| self.date(p))
                .min();
            return match published {
                Some(date) => (When::day(date), true),
                None => {
                    self.error(
                        id.span(),
                        format!(
                            "`{}` has no `said` date and no citation with `published`: add `said = YYYY-MM-DD` \
                             (when it was said) or the date a citation was published",
                            id.get_ref()
                        ),
                    );
                    // The file is refused; any date stands in.
                    let placeholder = self
                        .period
                        .map_or_else(|| Date::new(1970, 1, 1).expect("a valid date"), |(from, _)| from);
                    (When::day(placeholder), false)
                }
            };
        };
        let date = self.date(said);
        let precision = match precision.map(|p| (p, p.get_ref().as_str())) {
            None | Some((_, "day")) => Precision::Day,
            Some((_, "month")) => Precision::Month,
            Some((p, other)) => {
                let hint = did_you_mean(other, &["day", "month"], PRECISION_SYNONYMS);
                self.error(
                    p.span(),
                    format!("unknown said_precision `{other}`{hint} (expected `day` or `month`)"),
                );
                Precision::Day
            }
        };
        (When { date, precision }, false)
    }

    pub(super) fn precision(
        &mut self,
        precision: Option<&Spanned<String>>,
        until: Option<&Spanned<Datetime>>,
        date: Date,
    ) -> Precision {
        let word = precision.map(|p| p.get_ref().as_str()).unwrap_or("day");
        match (word, until) {
            ("window", Some(until_span)) => {
                let until = self.date(until_span);
                if until < date {
                    self.error(
                        until_span.span(),
                        format!("the window ends ({}) before it starts ({})", until.iso(), date.iso()),
                    );
                }
                self.in_period(until_span, until, "stage window end");
                Precision::Window(until)
            }
            ("window", None) => {
                self.error(
                    precision.map_or(0..0, |p| p.span()),
                    "a `window` stage needs `until = <last date>`",
                );
                Precision::Day
            }
            (_, Some(until_span)) => {
                self.error(
                    until_span.span(),
                    "`until` is only allowed with `precision = \"window\"`",
                );
                Precision::Day
            }
            ("day", None) => Precision::Day,
            ("month", None) => Precision::Month,
            (other, None) => {
                let span = precision.map_or(0..0, |p| p.span());
                let hint = did_you_mean(other, &["day", "month", "window"], PRECISION_SYNONYMS);
                self.error(
                    span,
                    format!("unknown precision `{other}`{hint} (expected `day`, `month` or `window`)"),
                );
                Precision::Day
            }
        }
    }

    /// A figure's number exactly as written: a decimal's digits come from the file's text, never
    /// from the float TOML made of them. Returns the number and how to show it in a message.
    fn number(&mut self, what: &str, raw: &Spanned<model::Number>) -> (Number, String) {
        let written = self.locator.text().get(raw.span()).unwrap_or("").trim();
        let number = match *raw.get_ref() {
            model::Number::Integer(n) => return (Number::int(n), n.to_string()),
            model::Number::Float(f) => Number::parse(written).map_err(|e| (e, f)),
        };
        match number {
            Ok(n) => (n, written.to_string()),
            Err((_, f)) if !f.is_finite() => {
                self.error(
                    raw.span(),
                    format!("{what} `{written}` is not a number; figures are finite"),
                );
                (Number::ZERO, written.to_string())
            }
            Err((NumberError::TooManyPlaces(places), _)) => {
                self.error(
                    raw.span(),
                    format!("{what} `{written}` has {places} decimal places; the limit is {MAX_PLACES}"),
                );
                (Number::ZERO, written.to_string())
            }
            Err((NumberError::NotPlain, _)) => {
                self.error(
                    raw.span(),
                    format!("{what} `{written}`: write the number out in digits, as copy does (7800, 0.0078), without an exponent"),
                );
                (Number::ZERO, written.to_string())
            }
        }
    }

    pub(super) fn figure(&mut self, claim: &model::Claim) -> Figure {
        let (value, shown) = self.number("value", &claim.value);
        let max = Number::int(MAX_VALUE);
        if value.is_negative() {
            self.error(
                claim.value.span(),
                format!("negative value {shown}: figures are counts"),
            );
        } else if value.micros() > max.micros() {
            self.error(
                claim.value.span(),
                format!("value {shown} is larger than the largest figure accepted, {MAX_VALUE}"),
            );
        }
        let qualifier = match &claim.qualifier {
            None => Qualifier::Exact,
            Some(q) => Qualifier::parse(q.get_ref()).unwrap_or_else(|| {
                let words: Vec<&str> = Qualifier::ALL.iter().map(|(_, w)| *w).collect();
                let hint = did_you_mean(q.get_ref(), &words, QUALIFIER_SYNONYMS);
                let expected: Vec<String> = Qualifier::ALL.iter().map(|(_, w)| format!("`{w}`")).collect();
                self.error(
                    q.span(),
                    format!(
                        "unknown qualifier `{}`{hint} (expected one of {})",
                        q.get_ref(),
                        expected.join(", ")
                    ),
                );
                Qualifier::Exact
            }),
        };
        if value.micros() == 0 && matches!(qualifier, Qualifier::Nearly | Qualifier::FewerThan) {
            let word = qualifier.word();
            self.error(
                claim.value.span(),
                format!("`{word} 0` allows no count at all; use `exact` 0 or `up to`"),
            );
        }
        match (qualifier, &claim.high) {
            (Qualifier::Range, Some(high)) => {
                let (high_value, high_shown) = self.number("high", high);
                if high_value.micros() > max.micros() {
                    self.error(
                        high.span(),
                        format!("high {high_shown} is larger than the largest figure accepted, {MAX_VALUE}"),
                    );
                } else if value.micros() > high_value.micros() {
                    self.error(
                        high.span(),
                        format!("range low {shown} is greater than high {high_shown}"),
                    );
                }
                Figure::range(value, high_value)
            }
            (Qualifier::Range, None) => {
                self.error(
                    claim.value.span(),
                    "a `range` needs `high = <upper end>` (`value` is the lower end)",
                );
                Figure::new(Qualifier::Exact, value)
            }
            (q, Some(high)) => {
                self.error(
                    high.span(),
                    format!(
                        "`high` is only allowed with `qualifier = \"range\"`, not `{}`",
                        q.word()
                    ),
                );
                Figure::new(q, value)
            }
            (q, None) => Figure::new(q, value),
        }
    }

    pub(super) fn status(
        &mut self,
        id: &Spanned<String>,
        status: Option<&Spanned<String>>,
        superseded_by: Option<&Spanned<String>>,
        retracted: Option<&Spanned<model::Retraction>>,
        index: &Index,
    ) -> Status {
        let word = status.map(|s| s.get_ref().as_str()).unwrap_or("current");
        let status_span = status.map_or(id.span(), |s| s.span());
        if let (Some(by), false) = (superseded_by, word == "superseded") {
            self.error(by.span(), "`superseded_by` needs `status = \"superseded\"`");
        }
        if let (Some(r), false) = (retracted, word == "retracted") {
            self.error(r.span(), "`retracted` needs `status = \"retracted\"`");
        }
        match word {
            "current" => Status::Current,
            "unconfirmed" => Status::Unconfirmed,
            "superseded" => match superseded_by {
                Some(by) => {
                    if by.get_ref() == id.get_ref() {
                        self.error(by.span(), format!("`{}` is superseded by itself", id.get_ref()));
                    }
                    let Some(by) = self.reference(index, by) else {
                        return Status::Current;
                    };
                    Status::Superseded { by }
                }
                None => {
                    self.error(
                        status_span,
                        "`status = \"superseded\"` needs `superseded_by = \"<id of the newer claim>\"`",
                    );
                    Status::Current
                }
            },
            "retracted" => match retracted {
                Some(r) => {
                    let on = self.date(&r.get_ref().on);
                    let reason = self.text("retraction reason", &r.get_ref().reason);
                    Status::Retracted { on, reason }
                }
                None => {
                    self.error(
                        status_span,
                        "`status = \"retracted\"` needs `retracted = { on = <date>, reason = \"...\" }`",
                    );
                    Status::Current
                }
            },
            other => {
                let words = ["current", "unconfirmed", "superseded", "retracted"];
                let hint = did_you_mean(other, &words, STATUS_SYNONYMS);
                self.error(
                    status_span,
                    format!("unknown status `{other}`{hint} (expected current, unconfirmed, superseded or retracted)"),
                );
                Status::Current
            }
        }
    }

    /// A running total updated to a lower figure is possible (a recount, a change of method) but
    /// worth a second look: a warning at the lower figure, not an error.
    pub(super) fn check_revisions(&mut self, file: &[model::Claim], claims: &[ds::Claim]) {
        for claim in claims {
            let Some(by) = ds::update_in(claims, claim) else {
                continue;
            };
            let (newer, written) = (&claims[by], &file[by]);
            if let (Some(old_low), Some(new_high)) =
                (claim.figure.interval_as_read().0, newer.figure.interval_as_read().1)
                && new_high < old_low
            {
                let msg = format!(
                    "revised down: `{}` gives {}, lower than the {} of `{}` that it updates",
                    newer.id, newer.figure, claim.figure, claim.id
                );
                self.warn(written.value.span(), msg);
            }
        }
    }

    /// A chain of `superseded_by` must end at a claim that stands; a loop never does. One pass:
    /// each claim is walked once, so a long valid chain costs its length, not its length squared.
    /// A loop is reported once, at its first member in file order, listed from there.
    pub(super) fn check_supersession_loops<'s>(
        &mut self,
        ids: &[&Spanned<String>],
        statuses: impl Iterator<Item = &'s Status>,
    ) {
        let next: Vec<Option<usize>> = statuses
            .map(|s| match s {
                Status::Superseded { by } => Some(*by),
                _ => None,
            })
            .collect();
        const UNSEEN: u8 = 0;
        const ON_WALK: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![UNSEEN; next.len()];
        let mut loops: Vec<Vec<usize>> = Vec::new();
        let mut walk = Vec::new();
        for start in 0..next.len() {
            if state[start] != UNSEEN {
                continue;
            }
            walk.clear();
            let mut at = start;
            loop {
                state[at] = ON_WALK;
                walk.push(at);
                match next[at] {
                    Some(n) if state.get(n) == Some(&UNSEEN) => at = n,
                    // Back on this walk: the walk from `n` on is a loop.
                    Some(n) if state.get(n) == Some(&ON_WALK) => {
                        let from = walk.iter().position(|&i| i == n).unwrap_or(0);
                        let mut members = walk[from..].to_vec();
                        let first = (0..members.len()).min_by_key(|&k| members[k]).unwrap_or(0);
                        members.rotate_left(first);
                        loops.push(members);
                        break;
                    }
                    // The chain ends, or joins one already walked.
                    _ => break,
                }
            }
            for &i in &walk {
                state[i] = DONE;
            }
        }
        loops.sort_unstable_by_key(|members| members[0]);
        for members in loops {
            let chain: Vec<&str> = members
                .iter()
                .chain(&members[..1])
                .map(|&i| ids[i].get_ref().as_str())
                .collect();
            self.error(
                ids[members[0]].span(),
                format!("`superseded_by` loops: {}", chain.join(" → ")),
            );
        }
    }
}

/// Words editors write for a qualifier, and the qualifier they mean.
const QUALIFIER_SYNONYMS: &[(&str, &str)] = &[
    ("over", "more than"),
    ("above", "more than"),
    ("upwards of", "more than"),
    ("in excess of", "more than"),
    ("greater than", "more than"),
    ("approximately", "about"),
    ("approx", "about"),
    ("around", "about"),
    ("roughly", "about"),
    ("some", "about"),
    ("circa", "about"),
    ("almost", "nearly"),
    ("close to", "nearly"),
    ("under", "fewer than"),
    ("below", "fewer than"),
    ("less than", "fewer than"),
    ("at most", "up to"),
    ("no more than", "up to"),
    ("maximum", "up to"),
    ("minimum", "at least"),
    ("no fewer than", "at least"),
    ("no less than", "at least"),
    ("between", "range"),
    ("exactly", "exact"),
    ("precisely", "exact"),
];

/// What an outlet's copy is: another agency's wire text, a copy of another site, or an
/// aggregator of others' reports.
const FLAGS: [&str; 3] = ["wire-copy", "mirror", "aggregator"];

const FLAG_SYNONYMS: &[(&str, &str)] = &[
    ("wire", "wire-copy"),
    ("agency copy", "wire-copy"),
    ("syndicated", "wire-copy"),
    ("copy", "mirror"),
    ("reprint", "mirror"),
    ("republished", "mirror"),
    ("aggregated", "aggregator"),
    ("news aggregator", "aggregator"),
];

const STATUS_SYNONYMS: &[(&str, &str)] = &[
    ("confirmed", "current"),
    ("valid", "current"),
    ("active", "current"),
    ("unverified", "unconfirmed"),
    ("disputed", "unconfirmed"),
    ("unclear", "unconfirmed"),
    ("replaced", "superseded"),
    ("outdated", "superseded"),
    ("updated", "superseded"),
    ("withdrawn", "retracted"),
    ("deleted", "retracted"),
];

const PRECISION_SYNONYMS: &[(&str, &str)] = &[
    ("exact", "day"),
    ("date", "day"),
    ("daily", "day"),
    ("monthly", "month"),
    ("range", "window"),
    ("period", "window"),
    ("span", "window"),
    ("between", "window"),
];

/// "; did you mean `more than`?" for a word of a closed vocabulary: a synonym editors use, else
/// the closest spelling; empty when nothing is close.
pub(super) fn did_you_mean(found: &str, words: &[&str], synonyms: &[(&str, &str)]) -> String {
    let key = crate::suggest::normalise(found);
    let synonym = synonyms
        .iter()
        .find(|(s, _)| crate::suggest::normalise(s) == key)
        .map(|(_, meant)| meant.to_string());
    synonym
        .or_else(|| closest(found, words.iter().copied()).into_iter().next())
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

/// A plain calendar date (no time), one that exists.
pub(super) fn is_date(dt: &Datetime) -> bool {
    matches!((dt.date, dt.time), (Some(d), None) if Date::new(d.year, d.month, d.day).is_some())
}

/// `http://` or `https://`, a host, and no white space.
pub(super) fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn urls() {
        assert!(is_web_url("https://tass.com/politics/1971825"));
        assert!(is_web_url("http://example.org"));
        assert!(!is_web_url("ftp://example.org"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https://exa mple.org"));
        assert!(!is_web_url("javascript:alert(1)"));
    }
}
