//! How a provider's rate-limit response headers are written (issue 16, point 4): the unit of
//! a reset value. The header names themselves (`X-RateLimit-Remaining`, Shopify's
//! `X-Shopify-Shop-Api-Call-Limit: 32/40`, the IETF `RateLimit` fields) are the spec's
//! `rate_limits.headers`.

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// What the number in a reset header counts (spec `rate_limits.headers.reset_unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum ResetUnit {
    /// Read by size: above 10^12 Unix milliseconds, above 10^9 Unix seconds (GitHub, seed
    /// 002), else seconds from now. The default.
    #[default]
    Auto,
    /// Unix time in seconds (`1700000042`).
    UnixSeconds,
    /// Unix time in milliseconds (`1700000042000`).
    UnixMilliseconds,
    /// Seconds from now (`30`), as the IETF `RateLimit` field's `t`.
    DeltaSeconds,
}

impl ResetUnit {
    /// `true` for the default, so contracts and specs that do not declare one leave it out.
    pub fn is_auto(&self) -> bool {
        *self == ResetUnit::Auto
    }
}
