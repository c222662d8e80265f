//! The JSON API under `/api/v1/`, one module per feature. Each route finds the caller, then
//! hands the work to the vault, which applies the policy; what is shared by several features
//! (bodies, number parsing) is here.

pub(crate) mod admin;
pub(crate) mod auth;
pub(crate) mod cases;
pub(crate) mod items;
pub(crate) mod log;
pub(crate) mod persons;
pub(crate) mod requests;
pub(crate) mod search;
pub(crate) mod uploads;
pub(crate) mod victims;

use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// `?deep=true`: re-hash content whatever its size (an item's check, the vault's verification).
#[derive(Deserialize, Default)]
pub(crate) struct DeepQuery {
    pub deep: Option<bool>,
}

/// Every API route, with the OpenAPI description each declares.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::routes())
        .merge(items::routes())
        .merge(search::routes())
        .merge(uploads::routes())
        .merge(requests::routes())
        .merge(admin::routes())
        .merge(persons::routes())
        .merge(log::routes())
        .merge(cases::routes())
        .merge(victims::routes())
}

/// Items to add to a request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScopeBody {
    items: Vec<String>,
}

/// A whole number as JSON may write it: `5` and `5.0` are one number in JSON's model of
/// numbers (and in JSON Schema's `integer`), so both are taken; a fraction or a number beyond
/// the field's range is refused.
pub(crate) fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    let number = serde_json::Number::deserialize(deserializer)?;
    let value = number.as_u64().or_else(|| {
        number
            .as_f64()
            // `u64::MAX as f64` is 2^64, one past the largest `u64`.
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64)
            .map(|f| f as u64)
    });
    value.and_then(|v| T::try_from(v).ok()).ok_or_else(|| {
        serde::de::Error::custom(format!("`{number}` is not a whole number in range"))
    })
}

pub(crate) fn whole_or_none<'de, D>(deserializer: D) -> Result<Option<u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] u64);
    Ok(Option::<Whole>::deserialize(deserializer)?.map(|w| w.0))
}
