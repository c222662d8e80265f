//! What the OpenAPI document says of every route besides what each route declares: how to
//! authenticate, and the error answers the server's own layers give on any route.
//!
//! The routes declare their own refusals and their successes, each success with the schema of
//! the type its handler answers with (the views of `custodia-vault`, the answers of `api/*`,
//! [`Bytes`] for downloads), so that a body and its schema cannot drift apart. This adds, once
//! for all, the answers no route writes itself but every client can meet: 400 (input no field
//! can store, a body that is not JSON), 401 (not signed in, on every route that needs it),
//! 413/415/422 on routes with a JSON body, 404 on routes with a path parameter, 500 (with an id
//! to quote), and the one shape of every error (`Error`, the schema of `guard::ErrorBody`).
//!
//! Then it says of every input what the server really takes, where the Rust types cannot: a
//! string holds no control character (`guard.rs` refuses them), a SHA-256 is 64 hexadecimal
//! digits, enumerations list their values (taken from the types that parse them), a grant's
//! conditions follow the vocabulary of `custodia_vault::conditions`. `scripts/test-api` checks
//! the server against this document with schemathesis.

use serde_json::{json, Map, Value};
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::schema::{KnownFormat, Schema, SchemaFormat};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Type};
use utoipa::{PartialSchema, ToSchema};

/// Routes anyone may call, signed in or not.
const PUBLIC: &[&str] = &[
    "/healthz",
    "/readyz",
    "/api/v1/auth/login",
    "/api/v1/log/public-key",
];

/// The name of the error schema.
const ERROR: &str = "Error";

/// The document served at `/api/openapi.json`: `doc` with the security schemes, the error
/// schema, the common error answers and the exact shape of every input.
pub(crate) fn complete(mut doc: OpenApi) -> Value {
    add_common_parts(&mut doc);
    let mut doc = serde_json::to_value(&doc).unwrap_or_default();
    refine(&mut doc);
    doc
}

/// Adds the security schemes, the error schema and the common error answers.
fn add_common_parts(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "A token from sign-in or `custodia token issue`: `Authorization: Bearer cst_…`",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::SESSION_COOKIE,
            "The browser session set by sign-in; state-changing requests also send the CSRF token in X-CSRF-Token",
        ))),
    );
    components
        .schemas
        .insert(ERROR.to_owned(), crate::guard::ErrorBody::schema());
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/");
        let public = PUBLIC.contains(&path.as_str());
        let has_parameter = path.contains('{');
        for operation in operations(item) {
            complete_operation(operation, api, public, has_parameter);
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn complete_operation(operation: &mut Operation, api: bool, public: bool, has_parameter: bool) {
    if !public {
        operation.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let mut common: Vec<(&str, &str)> = vec![
        (
            "400",
            "The input is not valid (the message names the field)",
        ),
        (
            "500",
            "The server could not complete the request (the id is logged)",
        ),
    ];
    if !public {
        common.push(("401", "Not signed in"));
        common.push(("403", "Not permitted (or a CSRF token is missing)"));
    }
    if json_body {
        common.push(("413", "The body is too large"));
        common.push(("415", "The body is not `application/json`"));
        common.push(("422", "The JSON does not have the documented shape"));
    }
    if has_parameter {
        common.push(("404", "Nothing of that name the caller may know of"));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in common {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(description).build()));
    }
    for (status, response) in responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        // An answer the route describes itself (`/readyz`'s 503) keeps its own body.
        if let (true, RefOr::T(response)) = (is_error, response) {
            if !response.content.is_empty() {
                continue;
            }
            // Outside `/api/` the layers answer in plain text (they serve the pages too).
            let content = if api {
                (
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(ERROR)))
                        .build(),
                )
            } else {
                (
                    "text/plain",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
            };
            response.content.insert(content.0.to_owned(), content.1);
        }
    }
}

// --- the exact shape of every input ------------------------------------------------------

/// Control characters but tab, line feed and carriage return: what `guard.rs` refuses in any
/// text (a regular expression class, as JSON Schema and OpenAPI write them).
const CONTROL: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// An item's SHA-256 as the routes parse it (`ContentHash`): 64 hexadecimal digits, optionally
/// prefixed.
const SHA256: &str = "^(sha256:)?[0-9a-fA-F]{64}$";
/// The largest integer the routes parse (`u64`).
const U64_MAX: u64 = u64::MAX;

/// A string the server can store.
fn storable() -> Value {
    json!({ "type": "string", "pattern": format!("^[^{CONTROL}]*$") })
}

/// A storable string holding more than white space (names, reasons: the vault refuses blanks).
fn non_blank() -> Value {
    json!({
        "type": "string",
        "pattern": format!(r"^[^{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*$"),
    })
}

fn sha256() -> Value {
    json!({ "type": "string", "pattern": SHA256, "description": "An item's SHA-256 (64 hexadecimal digits)" })
}

/// The serde names of `values`: an enumeration's values as the server parses them.
fn names<T: serde::Serialize>(values: &[T]) -> Vec<Value> {
    values
        .iter()
        .filter_map(|v| serde_json::to_value(v).ok())
        .collect()
}

fn organisation_kinds() -> Value {
    use custodia_vault::custodia_access::OrganisationKind;
    json!({ "type": "string", "enum": names(&OrganisationKind::ALL) })
}

fn roles() -> Value {
    use custodia_vault::custodia_access::Role;
    json!({ "type": "string", "enum": names(&Role::ALL) })
}

/// The sort orders of a search (`custodia_search::Sort`).
const SORTS: [&str; 3] = ["relevance", "date_newest", "date_oldest"];

/// The vocabulary of a grant's conditions (`custodia_vault::conditions`): each kind with the
/// fields it may carry and those it needs; every field is a string, `source` allowed on all.
const CONDITIONS: &[(&str, &[&str], &[&str])] = &[
    ("limited_use", &["case", "purpose", "text"], &[]),
    ("no_onward_transfer", &[], &[]),
    ("no_death_penalty", &[], &[]),
    ("redact_protected_witnesses", &[], &[]),
    ("return_or_destroy", &[], &[]),
    ("confidential_until", &["date"], &["date"]),
    ("free_text", &["text"], &["text"]),
];

/// One condition of a grant: one object schema per kind.
fn condition() -> Value {
    let kinds: Vec<Value> = CONDITIONS
        .iter()
        .map(|(kind, fields, needed)| {
            let mut properties = Map::new();
            properties.insert("kind".into(), json!({ "type": "string", "const": kind }));
            properties.insert("source".into(), storable());
            for field in *fields {
                let schema = match *field {
                    "date" => json!({ "type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$" }),
                    _ if needed.contains(field) => non_blank(),
                    _ => storable(),
                };
                properties.insert((*field).into(), schema);
            }
            let mut required = vec![json!("kind")];
            required.extend(needed.iter().map(|f| json!(f)));
            json!({
                "type": "object",
                "title": kind,
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            })
        })
        .collect();
    json!({ "oneOf": kinds })
}

/// Any JSON whose strings (and keys) the server can store: a person's identity.
fn storable_json() -> Value {
    let any = json!({ "$ref": "#/components/schemas/StorableJson" });
    json!({
        "description": "Any JSON value whose strings and keys hold no control character",
        "anyOf": [
            storable(),
            { "type": ["number", "boolean", "null"] },
            { "type": "array", "items": any },
            {
                "type": "object",
                "propertyNames": storable(),
                "additionalProperties": any,
            },
        ],
    })
}

/// A calendar day as the victim register's routes take it.
fn day() -> Value {
    json!({ "type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$" })
}

/// The values of one of the victim register's enumerations (`custodia_cases::notices`).
fn notice_enum<T: std::fmt::Display>(values: &[T]) -> Value {
    let values: Vec<String> = values.iter().map(ToString::to_string).collect();
    json!({ "type": "string", "enum": values })
}

/// Properties of request bodies whose shape the Rust type does not say: (schema, property,
/// what the server takes).
fn property_overrides() -> Vec<(&'static str, &'static str, Value)> {
    use custodia_vault::custodia_cases::notices::{Channel, MilestoneKind, Reason};
    let hashes = json!({ "type": "array", "items": sha256() });
    let nullable_day =
        json!({ "type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$" });
    vec![
        ("DraftBody", "as_of", nullable_day),
        ("RecordBody", "sent_at", day()),
        ("RecordBody", "channel", notice_enum(Channel::ALL)),
        (
            "RecordBody",
            "covers",
            json!({ "type": ["array", "null"], "items": notice_enum(Reason::ALL) }),
        ),
        ("MilestoneBody", "kind", notice_enum(MilestoneKind::ALL)),
        ("MilestoneBody", "date", day()),
        ("MilestoneBody", "public_text", {
            let mut text = non_blank();
            text["maxLength"] = json!(20_000);
            text
        }),
        ("OrganisationBody", "kind", organisation_kinds()),
        ("OrganisationBody", "name", non_blank()),
        (
            "UserBody",
            "roles",
            json!({ "type": "array", "items": roles(), "minItems": 1 }),
        ),
        ("UserBody", "name", non_blank()),
        (
            "DecisionBody",
            "decision",
            json!({ "type": "string", "enum": ["grant", "refuse"] }),
        ),
        (
            "DecisionBody",
            "items",
            json!({ "type": ["array", "null"], "items": sha256() }),
        ),
        (
            "DecisionBody",
            "conditions",
            json!({ "type": ["array", "null"], "items": condition() }),
        ),
        ("ScopeBody", "items", hashes),
        (
            "PersonScopeBody",
            "allow_kinds",
            json!({ "type": "array", "items": organisation_kinds() }),
        ),
        // A set on the server: a name given twice counts once.
        (
            "PersonScopeBody",
            "exclude",
            json!({ "type": "array", "items": storable() }),
        ),
        (
            "PersonBody",
            "identity",
            json!({ "$ref": "#/components/schemas/StorableJson" }),
        ),
        ("PersonBody", "pseudonym", non_blank()),
        ("UploadRequest", "name", non_blank()),
        (
            "UploadRequest",
            "size",
            json!({ "type": "integer", "minimum": 0, "maximum": custodia_vault::uploads::MAX_UPLOAD }),
        ),
        (
            "TokenBody",
            "days",
            json!({ "type": ["integer", "null"], "minimum": 0, "maximum": custodia_vault::auth::MAX_TOKEN_DAYS }),
        ),
        ("UploadRequest", "originator", non_blank()),
        (
            "UploadRequest",
            "sha256",
            json!({ "type": ["string", "null"], "pattern": "^((sha256:)?[0-9a-fA-F]{64})?$" }),
        ),
        ("RequestBody", "authority", non_blank()),
        ("RequestBody", "legal_basis", non_blank()),
        (
            "RequestBody",
            "deadline",
            json!({ "type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$" }),
        ),
    ]
}

// --- raw bytes ------------------------------------------------------------------------------

/// The body of a download: the bytes as stored (`application/octet-stream`, a package's
/// `application/zip`). Routes declare it with `body = Bytes`.
pub(crate) struct Bytes;

impl PartialSchema for Bytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The bytes as stored"))
            .into()
    }
}

impl ToSchema for Bytes {}

/// Says of every input what the server takes.
fn refine(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    schemas.insert("StorableJson".into(), storable_json());
    for (schema, property, shape) in property_overrides() {
        if let Some(slot) = schemas
            .get_mut(schema)
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(property))
        {
            // The Rust doc comment stays the description.
            let description = slot.get("description").cloned();
            *slot = shape;
            if let (Some(d), Some(o)) = (description, slot.as_object_mut()) {
                o.insert("description".into(), d);
            }
        }
    }
    let mut bodies = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                refine_operation(path, method, operation, &mut bodies);
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in bodies {
            if let Some(schema) = schemas.get_mut(&name) {
                refine_strings(schema);
            }
        }
    }
}

/// Parameters and the request body of one operation; collects the names of body schemas.
fn refine_operation(path: &str, method: &str, operation: &mut Value, bodies: &mut Vec<String>) {
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters {
            let name = parameter["name"].as_str().unwrap_or("").to_owned();
            let place = parameter["in"].as_str().unwrap_or("").to_owned();
            let Some(schema) = parameter.get_mut("schema") else {
                continue;
            };
            match (place.as_str(), name.as_str()) {
                ("path", "sha256") => *schema = sha256(),
                // A path segment is never empty.
                ("path", _) => *schema = non_blank(),
                ("query", "sort") => *schema = json!({ "type": "string", "enum": SORTS }),
                ("query", "as_of") => *schema = day(),
                // An empty query is not understood.
                ("query", "q") if path == "/api/v1/search" => *schema = non_blank(),
                // Nothing leaves the vault without a purpose for the custody log.
                ("query", "purpose") => {
                    *schema = non_blank();
                    parameter["required"] = json!(true);
                }
                _ => refine_strings(schema),
            }
        }
    }
    // A chunk is raw bytes; the server takes any content type for it, and an empty one.
    if path == "/api/v1/uploads/{id}" && method == "patch" {
        if let Some(body) = operation.get_mut("requestBody") {
            body["content"] = json!({
                "application/octet-stream": { "schema": { "type": "string", "format": "binary" } }
            });
            body["required"] = json!(false);
        }
    }
    if let Some(content) = operation
        .pointer_mut("/requestBody/content")
        .and_then(Value::as_object_mut)
    {
        for media in content.values_mut() {
            let Some(schema) = media.get_mut("schema") else {
                continue;
            };
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.rsplit('/').next().unwrap_or("").to_owned();
                    if !bodies.contains(&name) {
                        bodies.push(name);
                    }
                }
                None => refine_strings(schema),
            }
        }
    }
}

/// Every string of `schema` (recursively) without a pattern, enumeration or format gets the
/// pattern of storable text; every integer without a maximum gets that of `u64`.
fn refine_strings(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let types: Vec<String> = match object.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let open = !(object.contains_key("pattern")
        || object.contains_key("enum")
        || object.contains_key("const")
        || object.contains_key("format"));
    if types.iter().any(|t| t == "string") && open {
        object.insert("pattern".into(), json!(format!("^[^{CONTROL}]*$")));
    }
    if types.iter().any(|t| t == "integer") && !object.contains_key("maximum") {
        object.insert("maximum".into(), json!(U64_MAX));
    }
    if types.iter().any(|t| t == "object") && !object.contains_key("propertyNames") {
        object.insert("propertyNames".into(), storable());
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = object.get_mut(key) {
            refine_strings(inner);
        }
    }
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for inner in properties.values_mut() {
            refine_strings(inner);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = object.get_mut(key).and_then(Value::as_array_mut) {
            for inner in list {
                refine_strings(inner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document's vocabulary of conditions is the vault's: every kind with all its fields
    /// passes the vault's check, and a field of another kind does not.
    #[test]
    fn conditions_follow_the_vault_vocabulary() {
        use custodia_vault::conditions::{condition_kinds, validate_conditions};
        let documented: Vec<&str> = CONDITIONS.iter().map(|(k, _, _)| *k).collect();
        assert_eq!(documented, condition_kinds());
        for (kind, fields, _) in CONDITIONS {
            let mut condition = Map::new();
            condition.insert("kind".into(), json!(kind));
            condition.insert("source".into(), json!("the grant"));
            for field in *fields {
                let value = if *field == "date" {
                    "2030-01-31"
                } else {
                    "text"
                };
                condition.insert((*field).into(), json!(value));
            }
            assert!(
                validate_conditions(&json!([condition.clone()])).is_ok(),
                "{kind}"
            );
            condition.insert("undocumented".into(), json!("x"));
            assert!(validate_conditions(&json!([condition])).is_err(), "{kind}");
        }
    }

    #[test]
    fn sort_orders_are_those_the_search_parses() {
        for sort in SORTS {
            let parsed: Result<custodia_vault::custodia_search::Sort, _> =
                serde_json::from_value(json!(sort));
            assert!(parsed.is_ok(), "{sort}");
        }
    }
}
