//! Discord's limits on bodies, with its nested `errors` object (code 50035).

use serde_json::{Value, json};

/// Discord's nested `errors` object, built from dotted paths.
#[derive(Default)]
pub(super) struct FormErrors(Vec<(String, &'static str, String)>);

impl FormErrors {
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn push(&mut self, path: &str, code: &'static str, message: String) {
        self.0.push((path.to_owned(), code, message));
    }

    /// A string of at most `max` characters, if present.
    pub(super) fn max_len(&mut self, path: &str, v: &Value, max: usize) {
        if let Some(s) = v.as_str()
            && chars(s) > max
        {
            self.push(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
    }

    /// A required string of `min..=max` characters.
    pub(super) fn bad_len(&mut self, path: &str, v: &Value, min: usize, max: usize) {
        match v.as_str() {
            None => self.push(path, "BASE_TYPE_REQUIRED", "This field is required".to_owned()),
            Some(s) if !(min..=max).contains(&chars(s)) => self.push(
                path,
                "BASE_TYPE_BAD_LENGTH",
                format!("Must be between {min} and {max} in length."),
            ),
            Some(_) => {}
        }
    }

    pub(super) fn max_items(&mut self, path: &str, v: &Value, max: usize) {
        if v.as_array().is_some_and(|a| a.len() > max) {
            self.push(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
    }

    pub(super) fn to_json(&self) -> Value {
        let mut root = json!({});
        for (path, code, message) in &self.0 {
            let mut node = &mut root;
            for seg in path.split('.').filter(|s| !s.is_empty()) {
                node = node
                    .as_object_mut()
                    .expect("object")
                    .entry(seg)
                    .or_insert_with(|| json!({}));
            }
            let list = node
                .as_object_mut()
                .expect("object")
                .entry("_errors")
                .or_insert_with(|| json!([]));
            list.as_array_mut()
                .expect("array")
                .push(json!({"code": code, "message": message}));
        }
        root
    }
}

/// Discord counts characters (code points), as serenity does.
fn chars(s: &str) -> usize {
    s.chars().count()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Checks a message body (create, edit, followup, callback data). Returns whether it has
/// anything to show; an empty message is Discord's 50006, not a form error.
pub(super) fn validate_message(body: &Value, prefix: &str, errors: &mut FormErrors) -> bool {
    errors.max_len(&join(prefix, "content"), &body["content"], 2000);
    let embeds = body["embeds"].as_array().map(Vec::as_slice).unwrap_or_default();
    errors.max_items(&join(prefix, "embeds"), &body["embeds"], 10);
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let p = join(prefix, &format!("embeds.{i}"));
        errors.max_len(&format!("{p}.title"), &e["title"], 256);
        errors.max_len(&format!("{p}.description"), &e["description"], 4096);
        errors.max_items(&format!("{p}.fields"), &e["fields"], 25);
        for (j, f) in e["fields"].as_array().into_iter().flatten().enumerate() {
            errors.bad_len(&format!("{p}.fields.{j}.name"), &f["name"], 1, 256);
            errors.bad_len(&format!("{p}.fields.{j}.value"), &f["value"], 1, 1024);
            total += f["name"].as_str().map_or(0, chars) + f["value"].as_str().map_or(0, chars);
        }
        if !e["footer"].is_null() {
            errors.max_len(&format!("{p}.footer.text"), &e["footer"]["text"], 2048);
        }
        if !e["author"].is_null() {
            errors.max_len(&format!("{p}.author.name"), &e["author"]["name"], 256);
        }
        for text in [
            &e["title"],
            &e["description"],
            &e["footer"]["text"],
            &e["author"]["name"],
        ] {
            total += text.as_str().map_or(0, chars);
        }
    }
    if total > 6000 {
        errors.push(
            &join(prefix, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000".to_owned(),
        );
    }
    // Action rows of buttons: at most 5 rows of 5, ids up to 100 characters, labels up to 80.
    errors.max_items(&join(prefix, "components"), &body["components"], 5);
    for (i, row) in body["components"].as_array().into_iter().flatten().enumerate() {
        let p = join(prefix, &format!("components.{i}"));
        if row["type"] != 1 {
            errors.push(
                &format!("{p}.type"),
                "COMPONENT_TYPE_INVALID",
                "Expected an action row".to_owned(),
            );
        }
        errors.max_items(&format!("{p}.components"), &row["components"], 5);
        for (j, b) in row["components"].as_array().into_iter().flatten().enumerate() {
            errors.bad_len(&format!("{p}.components.{j}.custom_id"), &b["custom_id"], 1, 100);
            errors.max_len(&format!("{p}.components.{j}.label"), &b["label"], 80);
        }
    }
    let has = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    body["content"].as_str().is_some_and(|s| !s.trim().is_empty())
        || !embeds.is_empty()
        || has("components")
        || has("attachments")
        || has("sticker_ids")
        || body["poll"].is_object()
}

pub(super) fn validate_choices(choices: &Value, path: &str, errors: &mut FormErrors) {
    let Some(list) = choices.as_array() else {
        errors.push(path, "BASE_TYPE_REQUIRED", "This field is required".to_owned());
        return;
    };
    errors.max_items(path, choices, 25);
    for (i, c) in list.iter().enumerate() {
        errors.bad_len(&format!("{path}.{i}.name"), &c["name"], 1, 100);
        match &c["value"] {
            Value::String(_) => errors.max_len(&format!("{path}.{i}.value"), &c["value"], 100),
            Value::Number(_) => {}
            _ => errors.push(
                &format!("{path}.{i}.value"),
                "BASE_TYPE_REQUIRED",
                "This field is required".to_owned(),
            ),
        }
    }
}

/// Bulk-overwrite body: an array of commands.
pub(super) fn validate_commands(body: &Value, errors: &mut FormErrors) {
    let Some(list) = body.as_array() else {
        errors.push(
            "",
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType".to_owned(),
        );
        return;
    };
    if list.iter().filter(|c| c["type"].as_u64().unwrap_or(1) == 1).count() > 100 {
        errors.push("", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.".to_owned());
    }
    let mut seen = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let key = (
            c["type"].as_u64().unwrap_or(1),
            c["name"].as_str().unwrap_or_default().to_owned(),
        );
        if seen.contains(&key) {
            errors.push(
                &i.to_string(),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique".to_owned(),
            );
        }
        seen.push(key);
        validate_command(c, &i.to_string(), errors);
    }
}

fn validate_command(c: &Value, p: &str, errors: &mut FormErrors) {
    let kind = c["type"].as_u64().unwrap_or(1);
    if kind == 1 {
        check_name(&c["name"], &format!("{p}.name"), errors);
        errors.bad_len(&format!("{p}.description"), &c["description"], 1, 100);
        validate_options(&c["options"], &format!("{p}.options"), 0, errors);
    } else {
        errors.bad_len(&format!("{p}.name"), &c["name"], 1, 32);
        if c["description"].as_str().is_some_and(|d| !d.is_empty()) {
            errors.push(
                &format!("{p}.description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have description".to_owned(),
            );
        }
        if c["options"].as_array().is_some_and(|o| !o.is_empty()) {
            errors.push(
                &format!("{p}.options"),
                "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                "Context menu commands cannot have options".to_owned(),
            );
        }
    }
    for (key, min, max) in [("name_localizations", 1, 32), ("description_localizations", 1, 100)] {
        for (locale, v) in c[key].as_object().into_iter().flatten() {
            errors.bad_len(&format!("{p}.{key}.{locale}"), v, min, max);
        }
    }
    if command_size(c) > 8000 {
        errors.push(
            p,
            "APPLICATION_COMMAND_TOO_LARGE",
            "Command exceeds maximum size (8000)".to_owned(),
        );
    }
}

/// `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lower case where a letter has one.
fn check_name(v: &Value, path: &str, errors: &mut FormErrors) {
    errors.bad_len(path, v, 1, 32);
    let Some(s) = v.as_str() else { return };
    let allowed = |c: char| {
        c.is_alphanumeric()
            || matches!(c, '-' | '_' | '\'')
            || ('\u{0900}'..='\u{097F}').contains(&c)
            || ('\u{0E00}'..='\u{0E7F}').contains(&c)
    };
    let lower = |c: char| c.to_lowercase().eq(std::iter::once(c));
    if !s.chars().all(|c| allowed(c) && lower(c)) {
        errors.push(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name is invalid: {s:?}"),
        );
    }
}

fn validate_options(options: &Value, p: &str, depth: u32, errors: &mut FormErrors) {
    let Some(list) = options.as_array() else { return };
    errors.max_items(p, options, 25);
    let is_sub = |o: &Value| matches!(o["type"].as_u64(), Some(1 | 2));
    if list.iter().any(is_sub) && !list.iter().all(is_sub) {
        errors.push(
            p,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all other types".to_owned(),
        );
    }
    let mut names = Vec::new();
    let mut optional_seen = false;
    for (i, o) in list.iter().enumerate() {
        let op = format!("{p}.{i}");
        let kind = o["type"].as_u64().unwrap_or(0);
        if !(1..=11).contains(&kind) {
            errors.push(
                &format!("{op}.type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of (1..=11).".to_owned(),
            );
        }
        check_name(&o["name"], &format!("{op}.name"), errors);
        errors.bad_len(&format!("{op}.description"), &o["description"], 1, 100);
        let name = o["name"].as_str().unwrap_or_default();
        if names.contains(&name) {
            errors.push(
                &format!("{op}.name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique".to_owned(),
            );
        }
        names.push(name);
        let required = o["required"].as_bool().unwrap_or(false);
        if kind > 2 {
            if required && optional_seen {
                errors.push(
                    &format!("{op}.required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options".to_owned(),
                );
            }
            optional_seen |= !required;
        }
        match kind {
            1 if depth > 1 => errors.push(
                &op,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-commands nest at most two levels".to_owned(),
            ),
            2 if depth > 0 => errors.push(
                &op,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-command groups must be top level".to_owned(),
            ),
            1 => {
                if o["options"].as_array().is_some_and(|sub| sub.iter().any(is_sub)) {
                    errors.push(
                        &format!("{op}.options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-commands cannot contain sub-commands".to_owned(),
                    );
                }
                validate_options(&o["options"], &format!("{op}.options"), depth + 1, errors);
            }
            2 => {
                if !o["options"]
                    .as_array()
                    .is_some_and(|sub| !sub.is_empty() && sub.iter().all(|s| s["type"] == 1))
                {
                    errors.push(
                        &format!("{op}.options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-command groups need 1 to 25 sub-commands".to_owned(),
                    );
                }
                validate_options(&o["options"], &format!("{op}.options"), depth + 1, errors);
            }
            _ => {}
        }
        let has_choices = o["choices"].as_array().is_some_and(|c| !c.is_empty());
        if has_choices {
            validate_choices(&o["choices"], &format!("{op}.choices"), errors);
            if !matches!(kind, 3 | 4 | 10) {
                errors.push(
                    &format!("{op}.choices"),
                    "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                    "Only string, integer and number options have choices".to_owned(),
                );
            }
        }
        if has_choices && o["autocomplete"].as_bool() == Some(true) {
            errors.push(
                &format!("{op}.autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_AND_CHOICES",
                "Autocomplete cannot be used with choices".to_owned(),
            );
        }
        for key in ["min_length", "max_length"] {
            if o[key].as_u64().is_some_and(|n| n > 6000) {
                errors.push(
                    &format!("{op}.{key}"),
                    "NUMBER_TYPE_MAX",
                    "int value should be less than or equal to 6000.".to_owned(),
                );
            }
        }
    }
}

/// Name, description and choice values of a command and all its options; for localized
/// fields only the longest variant counts (Discord's rule).
fn command_size(c: &Value) -> usize {
    let longest = |key: &str, loc: &str| {
        let base = c[key].as_str().map_or(0, chars);
        c[loc]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(_, v)| v.as_str())
            .map(chars)
            .fold(base, usize::max)
    };
    let mut size = longest("name", "name_localizations") + longest("description", "description_localizations");
    for o in c["options"].as_array().into_iter().flatten() {
        size += command_size(o);
    }
    for choice in c["choices"].as_array().into_iter().flatten() {
        size += choice["name"].as_str().map_or(0, chars);
        size += match &choice["value"] {
            Value::String(s) => chars(s),
            v => v.to_string().len(),
        };
    }
    size
}
