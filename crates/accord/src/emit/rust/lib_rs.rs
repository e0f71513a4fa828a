//! `src/lib.rs` of a client crate: the crate documentation, its modules and re-exports; and
//! the crate's version, which its `Cargo.toml` and its `User-Agent` share.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::ident;
use crate::ir::Ir;

/// The crate version: the spec's version made valid SemVer ([`crate_version`]), else `0.1.0`.
pub(super) fn package_version(ir: &Ir) -> String {
    ir.version.as_deref().map_or_else(|| FALLBACK_VERSION.to_string(), |text| crate_version(text).to_string())
}

/// The version of a crate whose API's own version text has no number to keep (`latest`).
const FALLBACK_VERSION: &str = "0.1.0";

/// Any version text (OpenAPI's `info.version` is free text) as a SemVer 2.0.0 version Cargo
/// accepts (Cargo parses with the `semver` crate: `MAJOR.MINOR.PATCH`, numeric identifiers
/// without leading zeros, SemVer 2.0.0 §2 and §9). Text that already is one is kept. Else the
/// leading numbers make the core, their leading zeros dropped (`2026.06.3` → `2026.6.3`,
/// `2.2.01` → `2.2.1`), missing ones `0` (`v1` → `1.0.0`); a date `YYYY-MM-DD` is three
/// numbers (`2014-06-30` → `2014.6.30`); a fourth number and beyond become build metadata
/// (`1.2.3.4` → `1.2.3+4`); what follows the numbers becomes the pre-release (`1.0-beta` →
/// `1.0.0-beta`), its characters outside `[0-9A-Za-z-]` separating identifiers. Text without
/// a leading number (`latest`) gives `0.1.0`. The original text stays in the crate's
/// documentation and in `[package.metadata.accord] api_version`.
pub fn crate_version(text: &str) -> semver::Version {
    let text = text.trim();
    if let Ok(version) = semver::Version::parse(text) {
        return version;
    }
    let fallback = || semver::Version::new(0, 1, 0);
    let rest = text.strip_prefix(['v', 'V']).unwrap_or(text).trim_start();
    // The leading numbers: `.`-separated, or a date's `-`-separated `YYYY-MM-DD`.
    let date = rest.len() >= 10
        && rest.as_bytes()[..10]
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
        && !rest[10..].starts_with(|c: char| c.is_ascii_digit());
    let (numbers, suffix): (Vec<&str>, &str) = if date {
        (vec![&rest[..4], &rest[5..7], &rest[8..10]], rest[10..].trim_start_matches('.'))
    } else {
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let core = rest[..end].trim_end_matches('.');
        (core.split('.').filter(|n| !n.is_empty()).collect(), &rest[core.len()..])
    };
    let mut parsed = Vec::with_capacity(numbers.len());
    for number in &numbers {
        match number.parse::<u64>() {
            Ok(value) => parsed.push(value),
            Err(_) => return fallback(),
        }
    }
    if parsed.is_empty() {
        return fallback();
    }
    let part = |index: usize| parsed.get(index).copied().unwrap_or(0);
    let mut version = semver::Version::new(part(0), part(1), part(2));
    let (pre, build) = match suffix.split_once('+') {
        Some((pre, build)) => (pre, build),
        None => (suffix, ""),
    };
    let mut build_parts: Vec<String> = parsed.iter().skip(3).map(u64::to_string).collect();
    build_parts.push(identifiers(build, false));
    build_parts.retain(|part| !part.is_empty());
    version.pre = semver::Prerelease::new(&identifiers(pre, true)).unwrap_or(semver::Prerelease::EMPTY);
    version.build = semver::BuildMetadata::new(&build_parts.join(".")).unwrap_or(semver::BuildMetadata::EMPTY);
    version
}

/// Free text as dot-separated SemVer identifiers: runs of `[0-9A-Za-z-]`, empty ones dropped;
/// for a pre-release, numeric ones without leading zeros (SemVer 2.0.0 §9).
fn identifiers(text: &str, pre_release: bool) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map(|identifier| identifier.trim_matches('-'))
        .filter(|identifier| !identifier.is_empty())
        .map(|identifier| {
            if pre_release && identifier.bytes().all(|b| b.is_ascii_digit()) {
                let trimmed = identifier.trim_start_matches('0');
                if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() }
            } else {
                identifier.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// `src/lib.rs`. With the models in a crate of their own, `models` is that crate's module,
/// re-exported.
pub(super) fn lib_rs(ir: &Ir) -> TokenStream {
    // The API's own version text as it is; the crate's when it had to be made SemVer.
    let version = ir.version.as_deref().map(|v| {
        let crate_version = package_version(ir);
        if crate_version == v {
            format!(", version {v}")
        } else {
            format!(", version {v}; crate version {crate_version}")
        }
    });
    let title = format!(" Client for {} (spec `{}`{}).", ir.title, ir.name, version.unwrap_or_default());
    let description = ir.description.as_deref().map(|d| {
        let d = crate::markdown::for_rustdoc(d);
        let lines: Vec<TokenStream> = std::iter::once(String::new())
            .chain(d.trim_end().lines().map(|l| format!(" {}", l.trim_end())))
            .map(|l| quote!(#![doc = #l]))
            .collect();
        quote!(#(#lines)*)
    });
    let webhooks = ir.webhooks.as_ref().map(|webhooks| match webhooks.signature {
        Some(_) => quote! {
            /// Webhook signature verification and typed events.
            pub mod webhooks;
        },
        None => quote! {
            /// Typed webhook events, decoded without verification (the spec declares no
            /// signature scheme).
            pub mod webhooks;
        },
    });
    let usage = " See `README.md` for a usage example; every endpoint is a method of [`Client`].";
    let models = if super::models_crate::models_in_own_crate(ir) {
        let models_crate = ident(&super::models_crate::lib_name(ir));
        let doc = format!(" Data models of the spec (crate `{}`, re-exported).", super::models_crate::package_name(ir));
        quote! {
            #[doc = #doc]
            pub use ::#models_crate::models;
        }
    } else {
        quote! {
            /// Data models of the spec.
            pub mod models;
        }
    };
    quote! {
        #![doc = #title]
        #description
        #![doc = ""]
        #![doc = #usage]
        #![allow(clippy::all, missing_docs, deprecated)]

        #models
        /// The client, its builder, and one request builder per endpoint.
        pub mod client;
        /// Typed errors: one variant per declared error code.
        pub mod errors;
        #webhooks

        pub use client::{Client, ClientBuilder};
        pub use errors::{ApiError, Error};
        pub use ::accord_runtime::{PageStream, Response, Secret, Sending};
    }
}

#[cfg(test)]
mod tests {
    use super::crate_version;

    #[test]
    fn any_version_text_becomes_semver_cargo_accepts() {
        for (text, expected) in [
            // Already SemVer: kept.
            ("1.1.4", "1.1.4"),
            ("1.0.0-beta.1", "1.0.0-beta.1"),
            ("2.0.0+20130313144700", "2.0.0+20130313144700"),
            // Leading zeros (Cargo refuses them).
            ("2026.06.3", "2026.6.3"),
            ("2.2.01", "2.2.1"),
            ("01.02.03", "1.2.3"),
            ("3.0.0-rc.01", "3.0.0-rc.1"),
            // Dates.
            ("2014-06-30", "2014.6.30"),
            ("2010-04-01", "2010.4.1"),
            ("2023-08-16", "2023.8.16"),
            ("2022-11-28-preview", "2022.11.28-preview"),
            ("20190425", "20190425.0.0"),
            // Fewer or more numbers.
            ("v1", "1.0.0"),
            ("V2", "2.0.0"),
            ("1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("v1.2", "1.2.0"),
            ("1.2.3.4", "1.2.3+4"),
            ("10.0.0.1-beta", "10.0.0-beta+1"),
            // Suffixes.
            ("1.0-beta", "1.0.0-beta"),
            ("2.0.0-SNAPSHOT", "2.0.0-SNAPSHOT"),
            ("1.0.0 (preview)", "1.0.0-preview"),
            ("3.1_beta", "3.1.0-beta"),
            ("2.1 ", "2.1.0"),
            ("1.0.0-", "1.0.0"),
            // No number to keep.
            ("latest", "0.1.0"),
            ("", "0.1.0"),
            ("beta", "0.1.0"),
            ("99999999999999999999999", "0.1.0"),
        ] {
            let version = crate_version(text);
            assert_eq!(version.to_string(), expected, "version text {text:?}");
            assert_eq!(
                semver::Version::parse(&version.to_string()).ok(),
                Some(version),
                "{text:?} must print as it parses"
            );
        }
    }
}
