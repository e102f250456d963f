//! Resolving a parsed file into a [`Dataset`]: every id indexed, every reference followed to
//! what it names, stages put in date order. What each value must be is in [`super::rules`].

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::rules::{is_date, is_web_url};
use crate::dataset::{self as ds, Dataset, Scope};
use crate::date::{Date, When};
use crate::error::{LoadError, Locator, Problem};
use crate::model;
use crate::suggest::closest;

/// Id → index for one kind of thing, with the names people type for each.
pub(super) struct Index<'f> {
    pub(super) kind: &'static str,
    pub(super) ids: HashMap<&'f str, usize>,
    /// Names and aliases (normalised) → the id they belong to and what they are ("an alias"),
    /// to tell an editor who wrote one where an id goes which id to write.
    pub(super) names: HashMap<String, (&'f str, &'static str)>,
}

impl<'f> Index<'f> {
    /// Adds the names and aliases of each thing, given with its id.
    pub(super) fn with_names<'n>(
        mut self,
        items: impl Iterator<Item = (&'f Spanned<String>, &'n Spanned<String>, &'n [Spanned<String>])>,
    ) -> Self {
        for (id, name, aliases) in items {
            let id = id.get_ref().as_str();
            for alias in aliases {
                let key = crate::suggest::normalise(alias.get_ref());
                self.names.entry(key).or_insert((id, "an alias"));
            }
            let key = crate::suggest::normalise(name.get_ref());
            self.names.entry(key).or_insert((id, "the name"));
        }
        self
    }
}

impl Index<'_> {
    pub(super) fn get(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }
}

pub(super) struct Resolver<'a> {
    pub(super) locator: Locator<'a>,
    pub(super) problems: Vec<Problem>,
    /// Doubts that do not stop loading (`check --strict` makes them errors).
    pub(super) warnings: Vec<Problem>,
    pub(super) period: Option<(Date, Date)>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(locator: Locator<'a>) -> Self {
        Resolver {
            locator,
            problems: Vec::new(),
            warnings: Vec::new(),
            period: None,
        }
    }

    pub(super) fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let problem = self.locator.problem(span, message.into());
        self.problems.push(problem);
    }

    pub(super) fn warn(&mut self, span: Range<usize>, message: impl Into<String>) {
        let problem = self.locator.problem(span, message.into());
        self.warnings.push(problem);
    }

    pub(super) fn resolve(mut self, file: model::File, source: ds::Source) -> Result<Dataset, LoadError> {
        let story = self.story(&file.story);
        let sides_ix = self
            .index("side", file.sides.iter().map(|s| &s.id))
            .with_names(file.sides.iter().map(|s| (&s.id, &s.name, &s.aliases[..])));
        let claimants_ix = self
            .index("claimant", file.claimants.iter().map(|c| &c.id))
            .with_names(file.claimants.iter().map(|c| (&c.id, &c.name, &c.aliases[..])));
        let outlets_ix = self
            .index("outlet", file.outlets.iter().map(|o| &o.id))
            .with_names(file.outlets.iter().map(|o| (&o.id, &o.name, &o.aliases[..])));
        let quantities_ix = self
            .index("quantity", file.quantities.iter().map(|q| &q.id))
            .with_names(file.quantities.iter().map(|q| (&q.id, &q.label, &q.aliases[..])));
        let stages_ix = self
            .index("stage", file.stages.iter().map(|s| &s.id))
            .with_names(file.stages.iter().map(|s| (&s.id, &s.name, &s.aliases[..])));
        let claims_ix = self.index("claim", file.claims.iter().map(|c| &c.id));
        let topics_ix = self
            .index("topic", file.topics.iter().map(|t| &t.id))
            .with_names(file.topics.iter().map(|t| (&t.id, &t.question, &t.aliases[..])));
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
                flags: o.flags.iter().map(|f| self.flag(f)).collect(),
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
                self.figure_matches_words(c, &figure);
                let (said, reported) = self.said(&c.id, c.said.as_ref(), c.said_precision.as_ref(), &c.citations);
                if let (Some(event), None) = (&c.event_date, &c.stage) {
                    self.error(
                        event.span(),
                        "`event_date` needs a `stage`: it is the date this claim gives for that stage",
                    );
                }
                let event_date = c.event_date.as_ref().map(|d| self.date(d));
                // A statement cannot date what has not happened yet: one of the two dates is off.
                if let (Some(event), Some(written)) = (event_date, &c.event_date)
                    && event > said.last_day()
                {
                    self.warn(
                        written.span(),
                        format!(
                            "`event_date` {event} is after the claim was said ({said}): check both dates \
                             against the source"
                        ),
                    );
                }
                ds::Claim {
                    id: c.id.get_ref().clone(),
                    quantity: self.reference(&quantities_ix, &c.quantity).unwrap_or(0),
                    scope,
                    claimants: self.same_side_claimants(&claimants_ix, &claimants, &c.claimants),
                    said,
                    reported,
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
        self.check_revisions(&file.claims, &claims);

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
                said: self
                    .said(&c.id, c.said.as_ref(), c.said_precision.as_ref(), &c.citations)
                    .0,
                reported: c.said.is_none(),
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

        let breakdowns = self.breakdowns(&file.breakdowns, &quantities_ix, &quantities);

        if !self.problems.is_empty() {
            // Keep them in file order: editors fix top to bottom.
            self.problems.sort_by_key(|p| (p.line, p.col));
            return Err(LoadError::Invalid(self.problems));
        }
        stages.sort_by_key(|s| s.when.date);
        self.warnings.sort_by_key(|p| (p.line, p.col));
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
            breakdowns,
            source,
            warnings: std::mem::take(&mut self.warnings),
            derived: ds::Derived::default(),
        };
        let mut dataset = remap_stages(dataset, &file.stages);
        dataset.derive();
        Ok(dataset)
    }

    pub(super) fn story(&mut self, s: &model::Story) -> ds::Story {
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
        let at = self.locator.problem(s.id.span(), String::new());
        ds::Story {
            keys: ds::Keys::new(s.id.get_ref(), s.title.get_ref(), &[]),
            id: s.id.get_ref().clone(),
            id_at: (at.line, at.col),
            title: self.text("title", &s.title),
            description: s.description.clone(),
            period: (from, to),
            maintainers: s.maintainers.iter().map(|m| self.text("maintainer", m)).collect(),
            last_reviewed: self.date(&s.last_reviewed),
            primary_quantity: None,
        }
    }

    /// Builds the id index for one kind, reporting malformed and duplicate ids.
    pub(super) fn index<'f>(
        &mut self,
        kind: &'static str,
        ids: impl Iterator<Item = &'f Spanned<String>>,
    ) -> Index<'f> {
        let ids: Vec<&Spanned<String>> = ids.collect();
        let mut map: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        let mut lookalikes: HashMap<String, usize> = HashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            self.id(id);
            let keys = [
                super::lookalike_key(id.get_ref()),
                format!("cased {}", super::cased_lookalike_key(id.get_ref())),
            ];
            let first_alike = keys
                .map(|k| *lookalikes.entry(k).or_insert(i))
                .into_iter()
                .min()
                .unwrap_or(i);
            if let Some(&first) = map.get(id.get_ref().as_str()) {
                // The first definition's line is only worked out for a duplicate.
                let line = self.locator.problem(ids[first].span(), String::new()).line;
                self.error(
                    id.span(),
                    format!("duplicate {kind} id `{}` (first defined on line {line})", id.get_ref()),
                );
            } else {
                if first_alike != i {
                    let line = self.locator.problem(ids[first_alike].span(), String::new()).line;
                    self.error(
                        id.span(),
                        format!(
                            "{kind} id `{}` reads like `{}` (line {line}): readers and lookups could not tell them apart",
                            id.get_ref().escape_debug(),
                            ids[first_alike].get_ref()
                        ),
                    );
                }
                map.insert(id.get_ref().as_str(), i);
            }
        }
        Index {
            kind,
            ids: map,
            names: HashMap::new(),
        }
    }

    pub(super) fn reference(&mut self, index: &Index, name: &Spanned<String>) -> Option<usize> {
        let found = index.get(name.get_ref());
        let named = index.names.get(&crate::suggest::normalise(name.get_ref()));
        if let (None, Some((id, what))) = (found, named) {
            self.error(
                name.span(),
                format!(
                    "`{}` is {what} of the {} `{id}`; use the id",
                    name.get_ref(),
                    index.kind
                ),
            );
        } else if found.is_none() {
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

    pub(super) fn references(&mut self, index: &Index, names: &Spanned<Vec<Spanned<String>>>) -> Vec<usize> {
        if names.get_ref().is_empty() {
            self.error(names.span(), format!("empty list: name at least one {}", index.kind));
        }
        names
            .get_ref()
            .iter()
            .filter_map(|n| self.reference(index, n))
            .collect()
    }

    pub(super) fn scope(&mut self, claim: &model::Claim, stages: &Index) -> Scope {
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

    pub(super) fn citations(
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

    pub(super) fn citation(&mut self, c: &model::Citation, outlets: &Index) -> ds::Citation {
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
