//! All identifier mangling: spec names → Rust identifiers (heck for case, `r#` for keywords,
//! a prefix for leading digits, suffixes for collisions). Nothing else in accord invents
//! identifiers.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::thread::LocalKey;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use rustc_hash::FxHashMap;

/// Rust keywords (2024 edition, strict and reserved) that need `r#` as identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers at all (`r#self` is invalid).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Replaces characters heck keeps but identifiers cannot hold, and splits on them.
fn clean(name: &str) -> String {
    name.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { ' ' }).collect()
}

fn fix_start(ident: String, prefix: &str) -> String {
    match ident.chars().next() {
        None => String::new(),
        Some(first) if first.is_ascii_digit() => format!("{prefix}{ident}"),
        Some(_) => ident,
    }
}

/// A conversion's results on this thread, by input.
type Conversions = RefCell<FxHashMap<Box<str>, Box<str>>>;

thread_local! {
    static SNAKE: Conversions = RefCell::default();
    static CAMEL: Conversions = RefCell::default();
}

/// Inputs a cache holds at most; past it, it starts again empty, so that a process that
/// compiles spec after spec does not grow without bound (loading Stripe's full description
/// makes about 30,000 conversions, repeats included).
const CACHE_MAX_ENTRIES: usize = 100_000;

/// `convert(name)`, remembered: a spec converts the same names again and again (every
/// reference to a type converts the type's name), and heck's conversion walks the name a
/// character at a time through Unicode tables. Loading Stripe's full description converted
/// about 30,000 names to camel case at some 8,000 instructions each, a tenth of the load
/// (callgrind, issue 22: "cache name conversions").
fn remembered(cache: &'static LocalKey<Conversions>, name: &str, convert: fn(&str) -> String) -> String {
    cache.with(|cache| {
        if let Some(converted) = cache.borrow().get(name) {
            return converted.to_string();
        }
        let converted = convert(name);
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(name.into(), converted.as_str().into());
        converted
    })
}

/// snake_case identifier for fields, methods, modules, parameters; keywords become `r#type`.
/// Returns the identifier text as `syn` expects it (with the `r#` prefix when needed).
pub fn snake(name: &str) -> String {
    remembered(&SNAKE, name, |name| escape_keyword(fix_start(clean(name).to_snake_case(), "n_")))
}

/// UpperCamelCase identifier for types and variants.
pub fn camel(name: &str) -> String {
    remembered(&CAMEL, name, |name| {
        let ident = fix_start(clean(name).to_upper_camel_case(), "N");
        if ident.is_empty() { "Value".to_string() } else { escape_keyword(ident) }
    })
}

/// SCREAMING_SNAKE_CASE identifier for constants and environment variables.
pub fn shouty(name: &str) -> String {
    fix_start(clean(name).to_shouty_snake_case(), "N_")
}

fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else if ident.is_empty() {
        "value".to_string()
    } else {
        ident
    }
}

/// The name without any `r#` prefix (for building derived names such as `FooRequest`).
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Hands out unique identifiers within one scope: a second `order_id` becomes `order_id_2`.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope with names already taken (e.g. generated helper names).
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope { taken: names.iter().map(|n| n.to_string()).collect() }
    }

    /// The names this scope holds that `base` does not (those claimed since it was `base`'s
    /// clone), in sorted order.
    pub fn claimed_since(&self, base: &Scope) -> Vec<String> {
        self.taken.difference(&base.taken).cloned().collect()
    }

    /// Takes `names` as claimed (names another scope, cloned from this one, claimed).
    pub fn take_all(&mut self, names: impl IntoIterator<Item = String>) {
        self.taken.extend(names);
    }

    /// Claims `ident`, or the first free `ident_2`, `ident_3`, … (`Ident2` for camel case).
    pub fn claim(&mut self, ident: String) -> String {
        if self.taken.insert(ident.clone()) {
            return ident;
        }
        let base = bare(&ident).to_string();
        let camel_case = base.chars().next().is_some_and(char::is_uppercase);
        for n in 2.. {
            let candidate = if camel_case { format!("{base}{n}") } else { format!("{base}_{n}") };
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

/// The package name of the client crate generated for spec `name` (`orders-client`).
pub fn crate_name(spec_name: &str) -> String {
    format!("{}-client", spec_name.to_snake_case().replace('_', "-"))
}

/// The library name of the client crate (`orders_client`).
pub fn lib_name(spec_name: &str) -> String {
    format!("{}_client", spec_name.to_snake_case())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_conversion_is_the_conversion() {
        for name in ["payment_intent", "PaymentIntent", "type", "self", "3ds", "", "été-price", "type"] {
            // The first call converts, the second reads the cache: the same text either way.
            let (first, second) = (camel(name), camel(name));
            assert_eq!(first, second, "{name}");
            assert_eq!(snake(name), snake(name), "{name}");
        }
        assert_eq!(camel("payment_intent"), "PaymentIntent");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(camel("self"), "Self_");
        // A cache that starts again empty still converts.
        CAMEL.with(|cache| cache.borrow_mut().clear());
        assert_eq!(camel("payment_intent"), "PaymentIntent");
    }

    #[test]
    fn keywords_and_digits_become_valid_identifiers() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("3d_secure"), "n_3d_secure");
        assert_eq!(camel("order.created"), "OrderCreated");
        assert_eq!(camel("404"), "N404");
        assert_eq!(snake("X-Idempotency-Key"), "x_idempotency_key");
        assert_eq!(shouty("client_id"), "CLIENT_ID");
        assert_eq!(snake("$"), "value");
    }

    #[test]
    fn scopes_make_collisions_unique() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim(snake("orderId")), "order_id");
        assert_eq!(scope.claim(snake("order_id")), "order_id_2");
        let mut types = Scope::default();
        assert_eq!(types.claim(camel("order")), "Order");
        assert_eq!(types.claim(camel("Order")), "Order2");
    }
}
