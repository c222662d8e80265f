//! OpenAPI schemas of the policy's vocabularies, for the views the HTTP API answers with
//! (`custodia-access` knows nothing of OpenAPI): each the enumeration of the names its type
//! reads and writes, taken from the type itself.

use custodia_access::{OrganisationKind, Regime, Role};
use serde::Serialize;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, Type};

/// A string that is one of `values` as serde writes them.
fn one_of<T: Serialize>(values: &[T], description: &str) -> Object {
    let names: Vec<serde_json::Value> = values
        .iter()
        .filter_map(|v| serde_json::to_value(v).ok())
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .description(Some(description))
        .build()
}

/// A role (`custodia_access::Role`).
pub fn role() -> Object {
    one_of(&Role::ALL, "A role")
}

/// A set of roles.
pub fn roles() -> Array {
    ArrayBuilder::new()
        .items(role())
        .unique_items(true)
        .description(Some("Roles"))
        .build()
}

/// A kind of organisation (`custodia_access::OrganisationKind`).
pub fn organisation_kind() -> Object {
    one_of(&OrganisationKind::ALL, "A kind of organisation")
}

/// A sharing regime (`custodia_access::Regime`).
pub fn regime() -> Object {
    one_of(&Regime::ALL, "A sharing regime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enumerations_are_the_serialised_names() {
        let schema = serde_json::to_value(regime()).unwrap();
        assert_eq!(
            schema["enum"],
            serde_json::json!(["open", "consent", "restricted"])
        );
        let schema = serde_json::to_value(roles()).unwrap();
        assert!(schema["items"]["enum"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("victim_support_officer")));
        assert!(serde_json::to_value(organisation_kind()).unwrap()["enum"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("requesting_authority")));
    }
}
