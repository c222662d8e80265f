//! The conditions of a consent grant: one fixed vocabulary, checked in one place.
//!
//! Every way a grant reaches the vault (the CLI's conditions file, the API's decision body, the
//! web form) goes through [`validate_conditions`], and a package is never built from a grant
//! whose stored conditions do not pass it again ([`stored_conditions`]): a condition that is
//! misspelt, given as an object instead of a list, or carries a field of the wrong type would
//! otherwise be dropped silently, and what it protected (a witness's name) would go out.

use serde_json::Value;

use crate::{Result, VaultError};

/// The kinds of condition, with the fields each may carry (all strings) and those it needs.
const VOCABULARY: &[(&str, &[&str], &[&str])] = &[
    ("limited_use", &["case", "purpose", "text"], &[]),
    ("no_onward_transfer", &[], &[]),
    ("no_death_penalty", &[], &[]),
    ("redact_protected_witnesses", &[], &[]),
    ("return_or_destroy", &[], &[]),
    ("confidential_until", &["date"], &["date"]),
    ("free_text", &["text"], &["text"]),
];

/// Fields any condition may carry besides its own: where it came from.
const COMMON_FIELDS: &[&str] = &["kind", "source"];

/// The names of the condition kinds, for messages and documentation.
pub fn condition_kinds() -> Vec<&'static str> {
    VOCABULARY.iter().map(|(kind, _, _)| *kind).collect()
}

/// Checks `value` as the conditions of a grant: a JSON array (`null` counts as none) of objects,
/// each with a known `kind` and only that kind's fields, as strings. Returns the list; the error
/// names the field (`conditions[2].date`).
pub fn validate_conditions(value: &Value) -> Result<Vec<Value>> {
    let list = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(list) => list,
        other => {
            return Err(VaultError::Invalid(format!(
                "`conditions` must be a JSON array of conditions, not {}",
                kind_of(other)
            )))
        }
    };
    for (i, c) in list.iter().enumerate() {
        let at = format!("conditions[{i}]");
        let object = c.as_object().ok_or_else(|| {
            VaultError::Invalid(format!(
                "`{at}` must be an object with a `kind`, not {}",
                kind_of(c)
            ))
        })?;
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
        let Some((_, fields, required)) = VOCABULARY.iter().find(|(k, _, _)| *k == kind) else {
            return Err(VaultError::Invalid(format!(
                "`{at}.kind` is `{kind}`; known kinds: {}",
                condition_kinds().join(", ")
            )));
        };
        for (name, field) in object {
            if !(fields.contains(&name.as_str()) || COMMON_FIELDS.contains(&name.as_str())) {
                return Err(VaultError::Invalid(format!(
                    "`{at}.{name}` is not a field of a `{kind}` condition (its fields: {})",
                    if fields.is_empty() {
                        "none".to_owned()
                    } else {
                        fields.join(", ")
                    }
                )));
            }
            if !field.is_string() {
                return Err(VaultError::Invalid(format!(
                    "`{at}.{name}` must be a string, not {}",
                    kind_of(field)
                )));
            }
        }
        for name in *required {
            let present = object
                .get(*name)
                .and_then(Value::as_str)
                .is_some_and(|v| !v.trim().is_empty());
            if !present {
                return Err(VaultError::Invalid(format!(
                    "`{at}.{name}` is required for a `{kind}` condition"
                )));
            }
        }
        if kind == "confidential_until" {
            let date = object.get("date").and_then(Value::as_str).unwrap_or("");
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(date, &format).map_err(|_| {
                VaultError::Invalid(format!(
                    "`{at}.date` is `{date}`, not a date written YYYY-MM-DD"
                ))
            })?;
        }
    }
    Ok(list.clone())
}

/// The conditions of a stored grant, read back for a package: refused (never dropped) when they
/// cannot be read, so that nothing goes out under conditions nobody can state.
pub fn stored_conditions(text: &str, what: &str) -> Result<Vec<Value>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        VaultError::Invalid(format!(
            "the conditions of {what} cannot be read ({e}); nothing is released under them"
        ))
    })?;
    validate_conditions(&value).map_err(|e| {
        VaultError::Invalid(format!(
            "the conditions of {what} are not valid ({e}); nothing is released under them"
        ))
    })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_vocabulary_is_enforced() {
        assert!(validate_conditions(&json!([])).unwrap().is_empty());
        assert!(validate_conditions(&Value::Null).unwrap().is_empty());
        let good = json!([
            {"kind": "no_death_penalty"},
            {"kind": "limited_use", "case": "ICC-01/04"},
            {"kind": "confidential_until", "date": "2030-01-31"},
            {"kind": "free_text", "text": "call first", "source": "x"},
        ]);
        assert_eq!(validate_conditions(&good).unwrap().len(), 4);
        for (bad, names) in [
            (json!({"kind": "redact_protected_witnesses"}), "array"),
            (json!(["redact_protected_witnesses"]), "conditions[0]"),
            (json!([{"kind": "redact_witnesses"}]), "conditions[0].kind"),
            (
                json!([{"kind": "no_death_penalty", "extra": "x"}]),
                "conditions[0].extra",
            ),
            (
                json!([{"kind": "limited_use", "case": 3}]),
                "conditions[0].case",
            ),
            (
                json!([{"kind": "confidential_until"}]),
                "conditions[0].date",
            ),
            (
                json!([{"kind": "confidential_until", "date": "2030-02-30"}]),
                "conditions[0].date",
            ),
            (
                json!([{"kind": "free_text", "text": " "}]),
                "conditions[0].text",
            ),
            (json!("no_death_penalty"), "array"),
        ] {
            let message = validate_conditions(&bad).unwrap_err().to_string();
            assert!(message.contains(names), "{bad}: {message}");
        }
    }

    #[test]
    fn unreadable_stored_conditions_stop_a_release() {
        assert!(stored_conditions("[]", "x").unwrap().is_empty());
        assert!(stored_conditions(r#"{"kind":"redact_protected_witnesses"}"#, "x").is_err());
        assert!(stored_conditions("not json", "x").is_err());
    }
}
