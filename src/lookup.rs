//! Finding stages, quantities, claimants (and stories) from what a user typed: by id, name,
//! alias, or a unique prefix of any of them, case-insensitively. Also the ranking autocomplete
//! uses.

use crate::dataset::{Claimant, Dataset, Keys, Outlet, Quantity, Side, Stage, Topic};
use crate::error::LookupError;
use crate::suggest::{closest, normalise};

/// Something people look up by name.
pub trait Named {
    /// What error messages call it: "stage", "claimant".
    const KIND: &'static str;
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn aliases(&self) -> &[String];
    /// Id, name and aliases, normalised.
    fn keys(&self) -> &Keys;
    /// How "did you mean" lists name it: readers know names, not ids.
    fn label(&self) -> String {
        self.name().to_string()
    }
}

/// `Named` for a type with `id`, `aliases` and `keys` fields and a name field; the last argument,
/// when given, is the type's own method for what suggestions show.
macro_rules! named {
    ($ty:ty, $kind:literal, $name:ident $(, $label:ident)?) => {
        impl Named for $ty {
            const KIND: &'static str = $kind;
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> &str {
                &self.$name
            }
            fn aliases(&self) -> &[String] {
                &self.aliases
            }
            fn keys(&self) -> &Keys {
                &self.keys
            }
            $(
                fn label(&self) -> String {
                    <$ty>::$label(self)
                }
            )?
        }
    };
}

named!(Stage, "stage", name, label);

impl Stage {
    /// "Stage 5 (final) — 16 June 2025"; just the name when it already gives the date.
    pub fn label(&self) -> String {
        let when = self.when.to_string();
        if self.name.contains(&when) {
            self.name.clone()
        } else {
            format!("{} — {when}", self.name)
        }
    }
}
named!(Claimant, "claimant", name);
named!(Quantity, "quantity", label);
named!(Side, "side", name);
named!(Topic, "topic", question);
named!(Outlet, "outlet", name);

/// How well a candidate matches; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    ExactId,
    Exact,
    IdPrefix,
    Prefix,
    Substring,
}

fn tier<T: Named>(query: &str, item: &T) -> Option<Tier> {
    let keys = item.keys();
    let (id, names) = (keys.id(), keys.names());
    if id == query {
        return Some(Tier::ExactId);
    }
    if names.iter().any(|n| n == query) {
        return Some(Tier::Exact);
    }
    if id.starts_with(query) {
        return Some(Tier::IdPrefix);
    }
    let word_prefix =
        |n: &str| n.starts_with(query) || n.match_indices(' ').any(|(i, _)| n[i + 1..].starts_with(query));
    if names.iter().any(|n| word_prefix(n)) {
        return Some(Tier::Prefix);
    }
    if id.contains(query) || names.iter().any(|n| n.contains(query)) {
        return Some(Tier::Substring);
    }
    None
}

/// The one item `query` names: an exact id, name or alias, else a unique prefix.
pub fn find<T: Named>(items: &[T], query: &str) -> Result<usize, LookupError> {
    // An id typed exactly as written always names its item, whatever else normalises alike.
    let typed = query.trim();
    let mut exact_ids = items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.id().eq_ignore_ascii_case(typed));
    if let (Some((i, _)), None) = (exact_ids.next(), exact_ids.next()) {
        return Ok(i);
    }
    let q = normalise(query);
    let mut best: Option<Tier> = None;
    let mut hits: Vec<usize> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        // Substring matches help autocomplete but are too loose to act on.
        let Some(t) = tier(&q, item).filter(|t| *t != Tier::Substring) else {
            continue;
        };
        // Exact id and exact name rank together: both name one thing outright. So do all
        // prefixes: "a unique prefix" must be unique among ids, names and aliases alike.
        let t = match t {
            Tier::ExactId => Tier::Exact,
            Tier::IdPrefix => Tier::Prefix,
            t => t,
        };
        match best {
            Some(b) if t > b => {}
            Some(b) if t == b => hits.push(i),
            _ => {
                best = Some(t);
                hits = vec![i];
            }
        }
    }
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(LookupError::Unknown {
            kind: T::KIND,
            query: query.to_string(),
            suggestions: suggestions(items, query)
                .iter()
                .filter_map(|id| items.iter().find(|item| item.id() == id))
                .map(Named::label)
                .collect(),
        }),
        many => Err(LookupError::Ambiguous {
            kind: T::KIND,
            query: query.to_string(),
            candidates: many.iter().map(|&i| items[i].label()).collect(),
        }),
    }
}

/// The one item whose id, name or alias is exactly `query` (normalised), if there is one.
pub fn exact<T: Named>(items: &[T], query: &str) -> Option<usize> {
    let q = normalise(query);
    let mut hits = items
        .iter()
        .enumerate()
        .filter(|(_, item)| matches!(tier(&q, *item), Some(Tier::ExactId | Tier::Exact)));
    match (hits.next(), hits.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// The stage a bare number names ("6" for "Stage 6"): the one whose id, name or alias has that
/// number as a word, else the one called "stage N" or "day N". Dates ("16 june") count too.
fn stage_by_number(stages: &[Stage], number: &str) -> Option<usize> {
    let has_word = |keys: &Keys| keys.0.iter().any(|k| k.split(' ').any(|w| w == number));
    let with: Vec<usize> = (0..stages.len()).filter(|&i| has_word(&stages[i].keys)).collect();
    if let [one] = with.as_slice() {
        return Some(*one);
    }
    let called = |i: &usize| {
        let keys = &stages[*i].keys.0;
        keys.iter()
            .any(|k| *k == format!("stage {number}") || *k == format!("day {number}"))
    };
    let mut called = with.iter().filter(|i| called(i));
    match (called.next(), called.next()) {
        (Some(&i), None) => Some(i),
        _ => None,
    }
}

/// The ids that look most like `query`, for a "did you mean".
pub fn suggestions<T: Named>(items: &[T], query: &str) -> Vec<String> {
    let q = normalise(query);
    let loose: Vec<String> = items
        .iter()
        .filter(|item| tier(&q, *item).is_some())
        .take(3)
        .map(|item| item.id().to_string())
        .collect();
    if !loose.is_empty() {
        return loose;
    }
    // Fuzzy: compare with every name, then report the owning ids.
    let mut names: Vec<(&str, &str)> = Vec::new();
    for item in items {
        names.push((item.id(), item.id()));
        names.push((item.name(), item.id()));
        names.extend(item.aliases().iter().map(|a| (a.as_str(), item.id())));
    }
    let mut out: Vec<String> = Vec::new();
    for name in closest(query, names.iter().map(|(n, _)| *n)) {
        if let Some((_, id)) = names.iter().find(|(n, _)| *n == name)
            && !out.iter().any(|o| o == id)
        {
            out.push(id.to_string());
        }
    }
    out
}

/// Items for autocomplete, best first: exact id, exact name, prefix, substring, then fuzzy.
/// An empty query lists items in their own order.
pub fn rank<T: Named>(items: &[T], query: &str, limit: usize) -> Vec<usize> {
    let q = normalise(query);
    if q.is_empty() {
        return (0..items.len().min(limit)).collect();
    }
    let mut scored: Vec<(Tier, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| tier(&q, item).map(|t| (t, i)))
        .collect();
    scored.sort();
    let mut out: Vec<usize> = scored.into_iter().map(|(_, i)| i).take(limit).collect();
    if out.len() < limit {
        for id in suggestions(items, query) {
            if let Some(i) = items.iter().position(|item| item.id() == id)
                && !out.contains(&i)
                && out.len() < limit
            {
                out.push(i);
            }
        }
    }
    out
}

impl Dataset {
    pub fn find_stage(&self, query: &str) -> Result<usize, LookupError> {
        let number = query.trim();
        if !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
            && let Some(s) = stage_by_number(&self.stages, number)
        {
            return Ok(s);
        }
        find(&self.stages, query)
    }

    pub fn find_quantity(&self, query: &str) -> Result<usize, LookupError> {
        find(&self.quantities, query)
    }

    pub fn find_claimant(&self, query: &str) -> Result<usize, LookupError> {
        find(&self.claimants, query)
    }

    pub fn find_side(&self, query: &str) -> Result<usize, LookupError> {
        find(&self.sides, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(id: &str, name: &str, aliases: &[&str]) -> Stage {
        let aliases: Vec<String> = aliases.iter().map(|a| a.to_string()).collect();
        Stage {
            keys: Keys::new(id, name, &aliases),
            id: id.into(),
            name: name.into(),
            when: crate::date::When::day(crate::date::Date::new(2025, 6, 16).unwrap()),
            aliases,
            notes: None,
        }
    }

    #[test]
    fn finds_by_id_alias_name_and_prefix() {
        let stages = [
            stage("stage-1", "Stage 1", &["first", "11 june"]),
            stage("stage-5", "Stage 5 (final)", &["final", "16 june"]),
        ];
        assert_eq!(find(&stages, "stage-5"), Ok(1));
        assert_eq!(find(&stages, "Stage 5"), Ok(1));
        assert_eq!(find(&stages, "FINAL"), Ok(1));
        assert_eq!(find(&stages, "16 June"), Ok(1));
        assert_eq!(find(&stages, "fin"), Ok(1));
        assert!(matches!(find(&stages, "stage"), Err(LookupError::Ambiguous { .. })));
        let err = find(&stages, "finall").unwrap_err();
        assert_eq!(err.suggestions(), ["Stage 5 (final) — 16 June 2025"]);
    }

    #[test]
    fn an_exact_id_wins_and_prefixes_must_be_unique_across_ids_and_names() {
        let stages = [
            stage("s-1", "Alpha", &[]),
            stage("s_1", "Beta", &[]),
            stage("ministry-of-defence", "Gamma", &[]),
            stage("delta", "Delta", &["ministry of veterans"]),
        ];
        assert_eq!(find(&stages, "s_1"), Ok(1));
        assert_eq!(find(&stages, "S-1"), Ok(0));
        assert!(matches!(find(&stages, "ministry"), Err(LookupError::Ambiguous { .. })));
        assert_eq!(find(&stages, "ministry of d"), Ok(2));
    }

    #[test]
    fn ranks_for_autocomplete() {
        let stages = [
            stage("stage-1", "Stage 1", &["first"]),
            stage("final-talks", "Talks", &[]),
            stage("stage-5", "Stage 5 (final)", &["final"]),
        ];
        assert_eq!(rank(&stages, "final", 25), vec![2, 1]);
        assert_eq!(rank(&stages, "", 2), vec![0, 1]);
    }
}
