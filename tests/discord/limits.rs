//! Every reply the bot can send fits Discord's limits, however big or hostile the data: a
//! generated story with long names, many figures and mentions in its quotes.

use std::fmt::Write;
use std::path::Path;

use figures_bot::Dataset;
use figures_bot::answer::{Query, answer};
use figures_bot::discord::commands::narrowing_hint;
use figures_bot::discord::embeds::{MAX_MESSAGES, MessageSpec, length, limits, reply_messages};

const HOSTILE: &str =
    "@everyone @here <@&123456789012345678> <@987654321098765432> **bold** [link](https://evil.example) ";

/// A valid story big enough to overflow every limit.
fn huge_story() -> String {
    let mut t = String::new();
    let long = "Very long name ".repeat(20);
    writeln!(t, "[story]\nid = \"huge\"\ntitle = \"{long}{HOSTILE}\"\nperiod = {{ from = 2030-01-01, to = 2030-12-31 }}\nlast_reviewed = 2031-01-01\nmaintainers = [\"{HOSTILE}\"]\n").unwrap();
    for side in ["a", "b"] {
        writeln!(t, "[[side]]\nid = \"{side}\"\nname = \"Side {side} {HOSTILE}\"\n").unwrap();
    }
    for c in 0..30 {
        let side = if c % 2 == 0 { "a" } else { "b" };
        writeln!(
            t,
            "[[claimant]]\nid = \"c{c}\"\nname = \"Claimant {c} {long}{HOSTILE}\"\nside = \"{side}\"\n"
        )
        .unwrap();
    }
    writeln!(t, "[[outlet]]\nid = \"o\"\nname = \"Outlet {long}{HOSTILE}\"\n").unwrap();
    writeln!(t, "[[quantity]]\nid = \"q\"\nlabel = \"things {long}\"\nunit = \"things\"\nverb_phrase = \"were counted {HOSTILE}\"\n").unwrap();
    for s in 1..=40 {
        writeln!(
            t,
            "[[stage]]\nid = \"s{s}\"\nname = \"Stage {s} {long}\"\ndate = 2030-02-{:02}\n",
            1 + s % 28
        )
        .unwrap();
    }
    for i in 0..800 {
        let stage = 1 + i % 40;
        let claimant = i % 30;
        writeln!(
            t,
            "[[claim]]\nid = \"X-{i}\"\nquantity = \"q\"\nstage = \"s{stage}\"\nclaimants = [\"c{claimant}\"]\nsaid = 2030-03-01\nvalue = {}\nnotes = \"{}\"\n",
            1000 + i,
            HOSTILE.repeat(5)
        )
        .unwrap();
        for k in 0..5 {
            writeln!(
                t,
                "[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/{i}/{k}/{}\"\nquote = \"{}\"\n",
                "p".repeat(150),
                HOSTILE.repeat(10)
            )
            .unwrap();
        }
    }
    for i in 0..40 {
        writeln!(t, "[[claim]]\nid = \"T-{i}\"\nquantity = \"q\"\nperiod = {{ from = 2030-02-01, to = 2030-02-28 }}\nclaimants = [\"c{}\"]\nsaid = 2030-03-02\nvalue = {}\n[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/t/{i}\"\n", i % 30, 50_000 + i).unwrap();
    }
    t
}

fn assert_fits(message: &MessageSpec, what: &str) {
    assert!(length(&message.content) <= limits::CONTENT, "{what}: content");
    assert!(
        message.embeds.len() <= limits::EMBEDS,
        "{what}: {} embeds",
        message.embeds.len()
    );
    assert!(
        message.embed_size() <= limits::TOTAL,
        "{what}: {} characters in embeds",
        message.embed_size()
    );
    for embed in &message.embeds {
        assert!(
            !embed.title.is_empty() && length(&embed.title) <= limits::TITLE,
            "{what}: title"
        );
        assert!(
            !embed.title.contains("(continued) (continued)"),
            "{what}: {}",
            embed.title
        );
        assert!(!embed.description.contains("(s)"), "{what}: {}", embed.description);
        assert!(length(&embed.description) <= limits::DESCRIPTION, "{what}: description");
        assert!(embed.fields.len() <= limits::FIELDS, "{what}: fields");
        for (name, value) in &embed.fields {
            assert!(
                !name.is_empty() && length(name) <= limits::FIELD_NAME,
                "{what}: field name"
            );
            assert!(
                !value.is_empty() && length(value) <= limits::FIELD_VALUE,
                "{what}: field value {}",
                length(value)
            );
        }
        assert!(
            embed.footer.as_deref().map_or(0, length) <= limits::FOOTER,
            "{what}: footer"
        );
    }
}

#[test]
fn every_reply_fits_discord_limits_and_says_what_was_left_out() {
    let data = Dataset::from_bytes(huge_story().as_bytes(), Path::new("huge.toml")).expect("generated story is valid");
    let queries = [
        Query::Total {
            quantity: None,
            claimant: None,
        },
        Query::Stage { stage: "s1".into() },
        Query::Discrepancy {
            quantity: None,
            stage: None,
        },
        Query::Source { claimant: "c1".into() },
        Query::Timeline,
        Query::About,
    ];
    for query in &queries {
        let reply = answer(&data, query).unwrap();
        let messages = reply_messages(&reply, narrowing_hint(query));
        assert!(
            !messages.is_empty() && messages.len() <= MAX_MESSAGES,
            "{}: {} messages",
            query.command(),
            messages.len()
        );
        for message in &messages {
            assert_fits(message, query.command());
        }
        if !matches!(query, Query::About) {
            let last = messages.last().unwrap().embeds.last().unwrap();
            assert!(
                last.description.contains("not shown") && last.description.contains("; narrow it with"),
                "{}: {}",
                query.command(),
                last.description
            );
            assert!(last.footer.is_some());
        }
    }
}

#[test]
fn replies_mention_no_one() {
    let data = Dataset::from_bytes(huge_story().as_bytes(), Path::new("huge.toml")).unwrap();
    let reply = answer(&data, &Query::Stage { stage: "s2".into() }).unwrap();
    let response = reply_messages(&reply, "x")[0].to_interaction(false);
    let json = serde_json::to_value(&response).unwrap();
    let allowed = &json["allowed_mentions"];
    assert_eq!(allowed["parse"], serde_json::json!([]));
    for list in ["roles", "users"] {
        assert!(
            allowed.get(list).is_none_or(|l| l == &serde_json::json!([])),
            "{allowed}"
        );
    }
    assert!(
        json.to_string().contains("@everyone"),
        "the text is shown, it just pings no one"
    );
}

#[test]
fn the_bundled_replies_fit_too() {
    let data = Dataset::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml")).unwrap();
    for query in [
        Query::Total {
            quantity: None,
            claimant: None,
        },
        Query::Stage { stage: "final".into() },
        Query::Discrepancy {
            quantity: None,
            stage: None,
        },
        Query::Source {
            claimant: "medinsky".into(),
        },
        Query::Timeline,
        Query::About,
    ] {
        for message in reply_messages(&answer(&data, &query).unwrap(), narrowing_hint(&query)) {
            assert_fits(&message, query.command());
        }
    }
}
