//! What the OpenAPI document says of every route besides what each route declares: how to
//! authenticate, and the error answers the server's own layers give on any route.
//!
//! The routes declare their successes and their own refusals; this adds, once for all, the
//! answers no route writes itself but every client can meet: 400 (input no field can store,
//! a body that is not JSON), 401 (not signed in, on every route that needs it), 413/415/422 on
//! routes with a JSON body, 404 on routes with a path parameter, 500 (with an id to quote), and
//! the one shape of every error (`Error`).

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Type,
};

/// Routes anyone may call, signed in or not.
const PUBLIC: &[&str] = &[
    "/healthz",
    "/readyz",
    "/api/v1/auth/login",
    "/api/v1/log/public-key",
];

/// The name of the error schema.
const ERROR: &str = "Error";

/// Completes `doc` with the security schemes, the error schema and the common error answers.
pub(crate) fn complete(doc: &mut OpenApi) {
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
    components.schemas.insert(
        ERROR.to_owned(),
        RefOr::T(
            ObjectBuilder::new()
                .property(
                    "error",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some("What failed, on which input, and what to do")),
                )
                .property(
                    "id",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some("The error's id, to quote to the operator")),
                )
                .required("error")
                .required("id")
                .into(),
        ),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let public = PUBLIC.contains(&path.as_str());
        let has_parameter = path.contains('{');
        for operation in operations(item) {
            complete_operation(operation, public, has_parameter);
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

fn complete_operation(operation: &mut Operation, public: bool, has_parameter: bool) {
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
        ("400", "The input is not valid (the message names the field)"),
        ("500", "The server could not complete the request (the id is logged)"),
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
        if let (true, RefOr::T(response)) = (is_error, response) {
            response.content.clear();
            response.content.insert(
                "application/json".to_owned(),
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(ERROR)))
                    .build(),
            );
        }
    }
}
