//! Matching what people type against names: normalising, and finding the closest candidates.

/// Lower case, `-`/`_` as spaces, runs of white space folded: "Stage-5" and "stage 5" match.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Up to three candidates that look most like `query`, best first; none that are far off.
pub fn closest<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let query = normalise(query);
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let norm = normalise(c);
            let mut score = strsim::jaro_winkler(&query, &norm);
            if !query.is_empty() && norm.contains(&query) {
                score = score.max(0.9);
            }
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, c) in scored {
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_separators_and_case() {
        assert_eq!(normalise("  Stage-5 "), "stage 5");
        assert_eq!(normalise("16  June"), "16 june");
    }

    #[test]
    fn closest_ranks_typos_first() {
        assert_eq!(closest("medinksy", ["medinsky", "putin", "umerov"]), vec!["medinsky"]);
        assert!(closest("zzz", ["medinsky", "putin"]).is_empty());
    }
}
