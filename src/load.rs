//! Reading a data file: parse the TOML, resolve every reference, check every rule, and report
//! all problems at once, each at its `file:line:col`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::value::Datetime;

use crate::dataset::{self as ds, Dataset, Scope, Status};
use crate::date::{Date, Precision, When};
use crate::error::{LoadError, Locator, Problem, toml_problem};
use crate::figure::{Figure, Qualifier};
use crate::model;
use crate::suggest::closest;

/// The largest figure accepted: far above any count a story needs, and small enough that sums
/// of a million of them cannot overflow.
pub const MAX_VALUE: i64 = 1_000_000_000_000;

/// Longest id accepted: ids travel as Discord choice values, which allow 100 characters.
pub const MAX_ID_LEN: usize = 100;

impl Dataset {
    /// Reads, parses and validates one data file.
    pub fn load(path: impl AsRef<Path>) -> Result<Dataset, LoadError> {
        let path = path.as_ref();
        Dataset::from_bytes(&read_data_file(path)?, path)
    }

    /// Parses and validates file contents; `path` is only used in messages.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Dataset, LoadError> {
        Dataset::from_bytes_with_checksum(bytes, path, sha256_hex(bytes))
    }

    /// Like [`Dataset::from_bytes`], for a caller that already has the bytes' SHA-256 (hex).
    pub fn from_bytes_with_checksum(bytes: &[u8], path: &Path, checksum: String) -> Result<Dataset, LoadError> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
                let locator = Locator::new(path, &valid);
                let at = e.valid_up_to();
                return Err(LoadError::Invalid(vec![
                    locator.problem(at..at, "the file is not valid UTF-8 text".into()),
                ]));
            }
        };
        let file: model::File =
            toml::from_str(text).map_err(|e| LoadError::Invalid(vec![toml_problem(path, text, &e)]))?;
        let source = ds::Source {
            path: path.to_path_buf(),
            checksum,
            bytes: bytes.len(),
            version: 1,
        };
        Resolver::new(Locator::new(path, text)).resolve(file, source)
    }
}

/// Reads a data file, which must be a regular file (symlinks are followed). A FIFO, socket or
/// device is refused without waiting on it: opening a FIFO for reading would block until a
/// writer came, stalling every later reload.
pub fn read_data_file(path: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let read_error = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking, so that opening a FIFO returns at once; regular files ignore the flag.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if !metadata.is_file() {
        return Err(LoadError::NotAFile {
            path: path.to_path_buf(),
            kind: file_kind(&metadata.file_type()),
        });
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes).map_err(read_error)?;
    Ok(bytes)
}

/// What a path that is not a regular file is, in an editor's words.
pub(crate) fn file_kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// A file's checksum as datasets keep it (`Source::checksum`): SHA-256, lowercase hex. The
/// live reloader compares files against it, so both must come from here.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Id → index for one kind of thing, with the names people type for each.
struct Index<'f> {
    kind: &'static str,
    ids: HashMap<&'f str, usize>,
}

impl Index<'_> {
    fn get(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }
}

struct Resolver<'a> {
    locator: Locator<'a>,
    problems: Vec<Problem>,
    period: Option<(Date, Date)>,
}

impl<'a> Resolver<'a> {
    fn new(locator: Locator<'a>) -> Self {
        Resolver {
            locator,
            problems: Vec::new(),
            period: None,
        }
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let problem = self.locator.problem(span, message.into());
        self.problems.push(problem);
    }

    fn resolve(mut self, file: model::File, source: ds::Source) -> Result<Dataset, LoadError> {
        let story = self.story(&file.story);
        let sides_ix = self.index("side", file.sides.iter().map(|s| &s.id));
        let claimants_ix = self.index("claimant", file.claimants.iter().map(|c| &c.id));
        let outlets_ix = self.index("outlet", file.outlets.iter().map(|o| &o.id));
        let quantities_ix = self.index("quantity", file.quantities.iter().map(|q| &q.id));
        let stages_ix = self.index("stage", file.stages.iter().map(|s| &s.id));
        let claims_ix = self.index("claim", file.claims.iter().map(|c| &c.id));
        let topics_ix = self.index("topic", file.topics.iter().map(|t| &t.id));
        let chars_ix = self.index("characterisation", file.characterisations.iter().map(|c| &c.id));

        let primary_quantity = file
            .story
            .primary_quantity
            .as_ref()
            .and_then(|q| self.reference(&quantities_ix, q));

        let sides: Vec<ds::Side> = file
            .sides
            .iter()
            .map(|s| ds::Side {
                keys: ds::Keys::default(),
                id: s.id.get_ref().clone(),
                name: self.text("name", &s.name),
                is_outlet: self.side_kind(s.kind.as_ref()),
                aliases: self.aliases(&s.aliases),
            })
            .collect();
        self.check_aliases("side", file.sides.iter().map(|s| (&s.id, &s.name, &s.aliases)));

        let claimants: Vec<ds::Claimant> = file
            .claimants
            .iter()
            .map(|c| ds::Claimant {
                keys: ds::Keys::default(),
                id: c.id.get_ref().clone(),
                name: self.text("name", &c.name),
                organisation: c.organisation.clone(),
                person: c.person.clone(),
                role: c.role.clone(),
                side: self.reference(&sides_ix, &c.side).unwrap_or(0),
                aliases: self.aliases(&c.aliases),
                notes: c.notes.clone(),
            })
            .collect();
        self.check_aliases("claimant", file.claimants.iter().map(|c| (&c.id, &c.name, &c.aliases)));

        let outlets: Vec<ds::Outlet> = file
            .outlets
            .iter()
            .map(|o| ds::Outlet {
                keys: ds::Keys::default(),
                id: o.id.get_ref().clone(),
                name: self.text("name", &o.name).into(),
                flags: o.flags.iter().map(|f| self.text("flag", f)).collect(),
                aliases: self.aliases(&o.aliases),
            })
            .collect();
        self.check_aliases("outlet", file.outlets.iter().map(|o| (&o.id, &o.name, &o.aliases)));

        let quantities: Vec<ds::Quantity> = file
            .quantities
            .iter()
            .map(|q| ds::Quantity {
                keys: ds::Keys::default(),
                id: q.id.get_ref().clone(),
                label: self.text("label", &q.label),
                unit: self.text("unit", &q.unit),
                verb_phrase: self.text("verb_phrase", &q.verb_phrase),
                description: q.description.clone(),
                aliases: self.aliases(&q.aliases),
            })
            .collect();
        self.check_aliases(
            "quantity",
            file.quantities.iter().map(|q| (&q.id, &q.label, &q.aliases)),
        );

        let mut stages: Vec<ds::Stage> = file
            .stages
            .iter()
            .map(|s| {
                let date = self.date(&s.date);
                let precision = self.precision(s.precision.as_ref(), s.until.as_ref(), date);
                let when = When { date, precision };
                self.in_period(&s.date, date, "stage date");
                ds::Stage {
                    keys: ds::Keys::default(),
                    id: s.id.get_ref().clone(),
                    name: self.text("name", &s.name),
                    when,
                    aliases: self.aliases(&s.aliases),
                    notes: s.notes.clone(),
                }
            })
            .collect();
        self.check_aliases("stage", file.stages.iter().map(|s| (&s.id, &s.name, &s.aliases)));

        let claims: Vec<ds::Claim> = file
            .claims
            .iter()
            .map(|c| {
                let scope = self.scope(c, &stages_ix);
                let figure = self.figure(c);
                let said = self.said(&c.said, c.said_precision.as_ref());
                if let (Some(event), None) = (&c.event_date, &c.stage) {
                    self.error(
                        event.span(),
                        "`event_date` needs a `stage`: it is the date this claim gives for that stage",
                    );
                }
                let event_date = c.event_date.as_ref().map(|d| self.date(d));
                ds::Claim {
                    id: c.id.get_ref().clone(),
                    quantity: self.reference(&quantities_ix, &c.quantity).unwrap_or(0),
                    scope,
                    claimants: self.same_side_claimants(&claimants_ix, &claimants, &c.claimants),
                    said,
                    event_date,
                    figure,
                    wording: c.wording.clone(),
                    status: self.status(
                        &c.id,
                        c.status.as_ref(),
                        c.superseded_by.as_ref(),
                        c.retracted.as_ref(),
                        &claims_ix,
                    ),
                    notes: c.notes.clone(),
                    citations: self.citations(&c.id, &c.citations, &outlets_ix),
                }
            })
            .collect();
        self.check_supersession_loops(
            &file.claims.iter().map(|c| &c.id).collect::<Vec<_>>(),
            claims.iter().map(|c| &c.status),
        );

        let topics: Vec<ds::Topic> = file
            .topics
            .iter()
            .map(|t| ds::Topic {
                keys: ds::Keys::default(),
                id: t.id.get_ref().clone(),
                question: self.text("question", &t.question),
                aliases: self.aliases(&t.aliases),
            })
            .collect();
        self.check_aliases("topic", file.topics.iter().map(|t| (&t.id, &t.question, &t.aliases)));

        let characterisations: Vec<ds::Characterisation> = file
            .characterisations
            .iter()
            .map(|c| ds::Characterisation {
                id: c.id.get_ref().clone(),
                topic: self.reference(&topics_ix, &c.topic).unwrap_or(0),
                claimants: self.same_side_claimants(&claimants_ix, &claimants, &c.claimants),
                said: self.said(&c.said, c.said_precision.as_ref()),
                stance: self.text("stance", &c.stance),
                summary: self.text("summary", &c.summary),
                status: self.status(
                    &c.id,
                    c.status.as_ref(),
                    c.superseded_by.as_ref(),
                    c.retracted.as_ref(),
                    &chars_ix,
                ),
                notes: c.notes.clone(),
                citations: self.citations(&c.id, &c.citations, &outlets_ix),
            })
            .collect();
        self.check_supersession_loops(
            &file.characterisations.iter().map(|c| &c.id).collect::<Vec<_>>(),
            characterisations.iter().map(|c| &c.status),
        );

        let editorial_notes: Vec<ds::EditorialNote> = file
            .editorial_notes
            .iter()
            .map(|n| ds::EditorialNote {
                claims: self.references(&claims_ix, &n.claims),
                text: self.text("text", &n.text),
                citation: n.citation.as_ref().map(|c| self.citation(c, &outlets_ix)),
            })
            .collect();

        if !self.problems.is_empty() {
            // Keep them in file order: editors fix top to bottom.
            self.problems.sort_by_key(|p| (p.line, p.col));
            return Err(LoadError::Invalid(self.problems));
        }
        stages.sort_by_key(|s| s.when.date);
        let dataset = Dataset {
            story: ds::Story {
                primary_quantity,
                ..story
            },
            sides,
            claimants,
            outlets,
            quantities,
            stages,
            claims,
            topics,
            characterisations,
            editorial_notes,
            source,
            derived: ds::Derived::default(),
        };
        let mut dataset = remap_stages(dataset, &file.stages);
        dataset.derive();
        Ok(dataset)
    }

    fn story(&mut self, s: &model::Story) -> ds::Story {
        self.id(&s.id);
        let (from_raw, to_raw) = (&s.period.get_ref().from, &s.period.get_ref().to);
        let both_dates = is_date(from_raw.get_ref()) && is_date(to_raw.get_ref());
        let from = self.date(from_raw);
        let to = self.date(to_raw);
        if both_dates && from > to {
            self.error(
                s.period.span(),
                format!("the period starts ({}) after it ends ({})", from.iso(), to.iso()),
            );
        }
        // A broken period would make every date "outside" it: check against it only when sound.
        self.period = (both_dates && from <= to).then_some((from, to));
        ds::Story {
            keys: ds::Keys::new(s.id.get_ref(), s.title.get_ref(), &[]),
            id: s.id.get_ref().clone(),
            title: self.text("title", &s.title),
            description: s.description.clone(),
            period: (from, to),
            maintainers: s.maintainers.iter().map(|m| self.text("maintainer", m)).collect(),
            last_reviewed: self.date(&s.last_reviewed),
            primary_quantity: None,
        }
    }

    /// Builds the id index for one kind, reporting malformed and duplicate ids.
    fn index<'f>(&mut self, kind: &'static str, ids: impl Iterator<Item = &'f Spanned<String>>) -> Index<'f> {
        let ids: Vec<&Spanned<String>> = ids.collect();
        let mut map: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            self.id(id);
            if let Some(&first) = map.get(id.get_ref().as_str()) {
                // The first definition's line is only worked out for a duplicate.
                let line = self.locator.problem(ids[first].span(), String::new()).line;
                self.error(
                    id.span(),
                    format!("duplicate {kind} id `{}` (first defined on line {line})", id.get_ref()),
                );
            } else {
                map.insert(id.get_ref().as_str(), i);
            }
        }
        Index { kind, ids: map }
    }

    fn id(&mut self, id: &Spanned<String>) {
        let text = id.get_ref();
        if text.trim().is_empty() {
            self.error(id.span(), "empty id");
        } else if text.chars().any(char::is_whitespace) {
            self.error(
                id.span(),
                format!("id `{text}` contains white space; use `-` between words"),
            );
        } else if text.len() > MAX_ID_LEN {
            self.error(
                id.span(),
                format!("id is {} bytes long; the limit is {MAX_ID_LEN}", text.len()),
            );
        }
    }

    fn text(&mut self, what: &str, value: &Spanned<String>) -> String {
        if value.get_ref().trim().is_empty() {
            self.error(value.span(), format!("empty {what}"));
        }
        value.get_ref().clone()
    }

    fn aliases(&mut self, aliases: &[Spanned<String>]) -> Vec<String> {
        aliases.iter().map(|a| self.text("alias", a)).collect()
    }

    /// An alias that also names another thing of the same kind would make lookups ambiguous.
    fn check_aliases<'f>(
        &mut self,
        kind: &str,
        items: impl Iterator<Item = (&'f Spanned<String>, &'f Spanned<String>, &'f Vec<Spanned<String>>)>,
    ) {
        let mut owners: HashMap<String, &'f str> = HashMap::new();
        let items: Vec<_> = items.collect();
        for (id, name, _) in &items {
            for (what, text) in [("id", *id), ("name", *name)] {
                let key = crate::suggest::normalise(text.get_ref());
                match owners.get(&key) {
                    Some(owner) if *owner != id.get_ref().as_str() => {
                        let msg = format!(
                            "{what} `{}` of {kind} `{}` reads the same as a name of {kind} `{owner}`: lookups could not tell them apart",
                            text.get_ref(),
                            id.get_ref()
                        );
                        self.error(text.span(), msg);
                    }
                    _ => {
                        owners.insert(key, id.get_ref());
                    }
                }
            }
        }
        for (id, _, aliases) in &items {
            for alias in aliases.iter() {
                let key = crate::suggest::normalise(alias.get_ref());
                match owners.get(&key) {
                    Some(owner) if *owner != id.get_ref().as_str() => {
                        let msg = format!(
                            "alias `{}` of {kind} `{}` already names {kind} `{owner}`",
                            alias.get_ref(),
                            id.get_ref()
                        );
                        self.error(alias.span(), msg);
                    }
                    _ => {
                        owners.insert(key, id.get_ref());
                    }
                }
            }
        }
    }

    /// Resolves a claim's claimants; they must speak for one side, since answers attribute
    /// each claim to a side.
    fn same_side_claimants(
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

    fn side_kind(&mut self, kind: Option<&Spanned<String>>) -> bool {
        match kind.map(|k| (k, k.get_ref().as_str())) {
            None | Some((_, "party")) => false,
            Some((_, "outlet")) => true,
            Some((k, other)) => {
                self.error(
                    k.span(),
                    format!("unknown side kind `{other}`; expected `party` or `outlet`"),
                );
                false
            }
        }
    }

    fn reference(&mut self, index: &Index, name: &Spanned<String>) -> Option<usize> {
        let found = index.get(name.get_ref());
        if found.is_none() {
            let suggestions = closest(name.get_ref(), index.ids.keys().copied());
            let hint = suggestions
                .first()
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let defined = if index.ids.is_empty() {
                format!(" (the file defines no [[{}]])", index.kind)
            } else {
                String::new()
            };
            self.error(
                name.span(),
                format!("unknown {} `{}`{defined}{hint}", index.kind, name.get_ref()),
            );
        }
        found
    }

    fn references(&mut self, index: &Index, names: &Spanned<Vec<Spanned<String>>>) -> Vec<usize> {
        if names.get_ref().is_empty() {
            self.error(names.span(), format!("empty list: name at least one {}", index.kind));
        }
        names
            .get_ref()
            .iter()
            .filter_map(|n| self.reference(index, n))
            .collect()
    }

    fn date(&mut self, value: &Spanned<Datetime>) -> Date {
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

    fn in_period(&mut self, span: &Spanned<Datetime>, date: Date, what: &str) {
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

    fn said(&mut self, said: &Spanned<Datetime>, precision: Option<&Spanned<String>>) -> When {
        let date = self.date(said);
        self.in_period(said, date, "`said` date");
        let precision = match precision.map(|p| (p, p.get_ref().as_str())) {
            None | Some((_, "day")) => Precision::Day,
            Some((_, "month")) => Precision::Month,
            Some((p, other)) => {
                self.error(
                    p.span(),
                    format!("unknown said_precision `{other}`; expected `day` or `month`"),
                );
                Precision::Day
            }
        };
        When { date, precision }
    }

    fn precision(
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
                self.error(
                    span,
                    format!("unknown precision `{other}`; expected `day`, `month` or `window`"),
                );
                Precision::Day
            }
        }
    }

    fn scope(&mut self, claim: &model::Claim, stages: &Index) -> Scope {
        match (&claim.stage, &claim.period) {
            (Some(stage), None) => self.reference(stages, stage).map_or(Scope::Whole, Scope::Stage),
            (None, Some(period)) => {
                let from = self.date(&period.get_ref().from);
                let to = self.date(&period.get_ref().to);
                if from > to {
                    self.error(
                        period.span(),
                        format!("the period starts ({}) after it ends ({})", from.iso(), to.iso()),
                    );
                }
                Scope::Period(from, to)
            }
            (Some(stage), Some(_)) => {
                self.error(
                    stage.span(),
                    "a claim has either a `stage` (a per-stage figure) or a `period` (a cumulative figure), not both",
                );
                Scope::Whole
            }
            (None, None) => Scope::Whole,
        }
    }

    fn figure(&mut self, claim: &model::Claim) -> Figure {
        let value = *claim.value.get_ref();
        if value < 0 {
            self.error(
                claim.value.span(),
                format!("negative value {value}: figures are counts"),
            );
        } else if value > MAX_VALUE {
            self.error(
                claim.value.span(),
                format!("value {value} is larger than the largest figure accepted, {MAX_VALUE}"),
            );
        }
        let qualifier = match &claim.qualifier {
            None => Qualifier::Exact,
            Some(q) => Qualifier::parse(q.get_ref()).unwrap_or_else(|| {
                let words = Qualifier::ALL.iter().map(|(_, w)| *w);
                let hint = closest(q.get_ref(), words)
                    .first()
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
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
        if value == 0 && matches!(qualifier, Qualifier::Nearly | Qualifier::FewerThan) {
            let word = qualifier.word();
            self.error(
                claim.value.span(),
                format!("`{word} 0` allows no count at all; use `exact` 0 or `up to`"),
            );
        }
        match (qualifier, &claim.high) {
            (Qualifier::Range, Some(high)) => {
                let high_value = *high.get_ref();
                if high_value > MAX_VALUE {
                    self.error(
                        high.span(),
                        format!("high {high_value} is larger than the largest figure accepted, {MAX_VALUE}"),
                    );
                } else if value > high_value {
                    self.error(
                        high.span(),
                        format!("range low {value} is greater than high {high_value}"),
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

    fn status(
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
                let hint = closest(other, words)
                    .first()
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error(
                    status_span,
                    format!("unknown status `{other}`{hint} (expected current, unconfirmed, superseded or retracted)"),
                );
                Status::Current
            }
        }
    }

    /// A chain of `superseded_by` must end at a claim that stands; a loop never does. One pass:
    /// each claim is walked once, so a long valid chain costs its length, not its length squared.
    /// A loop is reported once, at its first member in file order, listed from there.
    fn check_supersession_loops<'s>(&mut self, ids: &[&Spanned<String>], statuses: impl Iterator<Item = &'s Status>) {
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

    fn citations(
        &mut self,
        owner: &Spanned<String>,
        citations: &[model::Citation],
        outlets: &Index,
    ) -> Vec<ds::Citation> {
        if citations.is_empty() {
            self.error(
                owner.span(),
                format!(
                    "`{}` has no citation: add a [[…citation]] with outlet and url",
                    owner.get_ref()
                ),
            );
        }
        citations.iter().map(|c| self.citation(c, outlets)).collect()
    }

    fn citation(&mut self, c: &model::Citation, outlets: &Index) -> ds::Citation {
        let url = c.url.get_ref();
        if !is_web_url(url) {
            self.error(c.url.span(), format!("`{url}` is not an http(s) URL"));
        }
        ds::Citation {
            outlet: self.reference(outlets, &c.outlet).unwrap_or(0),
            url: url.as_str().into(),
            published: c.published.as_ref().map(|d| self.date(d)),
            published_note: c.published_note.clone(),
            quote: c.quote.as_deref().map(Into::into),
        }
    }
}

/// A plain calendar date (no time), one that exists.
fn is_date(dt: &Datetime) -> bool {
    matches!((dt.date, dt.time), (Some(d), None) if Date::new(d.year, d.month, d.day).is_some())
}

/// `http://` or `https://`, a host, and no white space.
fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// Stages were sorted by date after claims pointed at them by file position: point them again.
fn remap_stages(mut dataset: Dataset, file_stages: &[model::Stage]) -> Dataset {
    let position: HashMap<&str, usize> = dataset
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let new_index: Vec<usize> = file_stages.iter().map(|s| position[s.id.get_ref().as_str()]).collect();
    for claim in &mut dataset.claims {
        if let Scope::Stage(s) = claim.scope {
            claim.scope = Scope::Stage(new_index[s]);
        }
    }
    dataset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_web_url("https://tass.com/politics/1971825"));
        assert!(is_web_url("http://example.org"));
        assert!(!is_web_url("ftp://example.org"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https://exa mple.org"));
        assert!(!is_web_url("javascript:alert(1)"));
    }
}
