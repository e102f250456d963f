//! `about`: what the loaded dataset is, how big, how fresh, and which exact file.

use super::{Query, Question, Reply, Section, footer};
use crate::dataset::Dataset;
use crate::date::DateSpan;

pub const QUESTION: Question = Question {
    name: "about",
    description: "What data is loaded: version, review date, checksum",
    options: &[],
    from_options: |_| Query::About,
    narrowing_hint: "the `stage`/`quantity` option",
};

/// `figures-bot ask about`: no arguments.
#[derive(Debug, clap::Args)]
#[command(about = QUESTION.description)]
pub struct Args {}

impl Args {
    pub fn query(self, _data: &Dataset) -> Result<Query, String> {
        Ok(Query::About)
    }
}

pub fn answer(data: &Dataset) -> Reply {
    let story = &data.story;
    let counts = format!(
        "{} claims, {} characterisations, {} claimants, {} outlets, {} quantities, {} stages",
        data.claims.len(),
        data.characterisations.len(),
        data.claimants.len(),
        data.outlets.len(),
        data.quantities.len(),
        data.stages.len()
    );
    let mut lead = Vec::new();
    if !story.description.is_empty() {
        lead.push(story.description.clone());
    }
    lead.extend([
        format!("Story id: {}", story.id),
        format!("Period: {}", DateSpan(story.period.0, story.period.1)),
        format!("Contents: {counts}"),
        format!("Last reviewed: {}", story.last_reviewed),
        format!(
            "Maintainers: {}",
            if story.maintainers.is_empty() {
                "none listed".to_string()
            } else {
                story.maintainers.join(", ")
            }
        ),
        format!(
            "File: {} ({} bytes), version {}",
            // The name only: the server's folders are no business of a Discord channel.
            data.source.path.file_name().map_or_else(
                || data.source.path.display().to_string(),
                |n| n.to_string_lossy().into_owned()
            ),
            data.source.bytes,
            data.source.version
        ),
        format!("SHA-256: {}", data.source.checksum),
    ]);
    Reply {
        title: format!("About — {}", story.title),
        lead,
        sections: Vec::<Section>::new(),
        sentence: None,
        footer: footer(data),
    }
}
