//! Value types for spec formats: `date-time` (RFC 3339, via the `time` crate, runtime feature
//! `date-time`) and `decimal` (exact, via `rust_decimal`, runtime feature `decimal`), plus the
//! serde helper that keeps "absent" and "null" apart. A generated crate turns each feature on
//! when its spec has a field of that format (`accord::emit::rust::features`).

use serde::{Deserialize, Deserializer};

#[cfg(feature = "date-time")]
pub use date_time::DateTime;
#[cfg(feature = "decimal")]
pub use decimal::Decimal;

#[cfg(feature = "date-time")]
mod date_time {
    use std::fmt;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::format_description::well_known::Rfc3339;

    /// An RFC 3339 date-time (`2024-01-15T10:30:00Z`), validated when decoded.
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct DateTime(pub time::OffsetDateTime);

    impl DateTime {
        /// Parses RFC 3339 text.
        pub fn parse(text: &str) -> Result<Self, String> {
            time::OffsetDateTime::parse(text, &Rfc3339)
                .map(DateTime)
                .map_err(|e| format!("`{text}` is not an RFC 3339 date-time: {e}"))
        }

        /// Seconds since the Unix epoch.
        pub fn unix_timestamp(&self) -> i64 {
            self.0.unix_timestamp()
        }
    }

    impl fmt::Display for DateTime {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.0.format(&Rfc3339) {
                Ok(text) => f.write_str(&text),
                Err(_) => write!(f, "{}", self.0),
            }
        }
    }

    impl fmt::Debug for DateTime {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "DateTime({self})")
        }
    }

    impl FromStr for DateTime {
        type Err = String;
        fn from_str(text: &str) -> Result<Self, Self::Err> {
            DateTime::parse(text)
        }
    }

    impl Serialize for DateTime {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self)
        }
    }

    impl<'de> Deserialize<'de> for DateTime {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let text = String::deserialize(deserializer)?;
            DateTime::parse(&text).map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(feature = "decimal")]
mod decimal {
    use std::fmt;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// An exact decimal number (`format: decimal`, e.g. a price `29.99`). Decodes from a JSON
    /// number or string; encodes as a JSON number, which is what the specs' APIs send.
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct Decimal(pub rust_decimal::Decimal);

    impl fmt::Display for Decimal {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

    impl fmt::Debug for Decimal {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "Decimal({})", self.0)
        }
    }

    impl FromStr for Decimal {
        type Err = rust_decimal::Error;
        fn from_str(text: &str) -> Result<Self, Self::Err> {
            rust_decimal::Decimal::from_str(text).map(Decimal)
        }
    }

    impl Serialize for Decimal {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            // The shortest f64 that prints back as this decimal; JSON numbers carry no more.
            let text = self.0.normalize().to_string();
            match text.parse::<f64>() {
                Ok(number) if number.is_finite() => serializer.serialize_f64(number),
                _ => serializer.collect_str(&text),
            }
        }
    }

    impl<'de> Deserialize<'de> for Decimal {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visitor;
            impl serde::de::Visitor<'_> for Visitor {
                type Value = Decimal;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a decimal number")
                }
                fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Decimal, E> {
                    // Through the shortest round-trip text, so 29.99 stays 29.99.
                    rust_decimal::Decimal::from_str(&value.to_string()).map(Decimal).map_err(E::custom)
                }
                fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Decimal, E> {
                    Ok(Decimal(value.into()))
                }
                fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Decimal, E> {
                    Ok(Decimal(value.into()))
                }
                fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Decimal, E> {
                    rust_decimal::Decimal::from_str(value).map(Decimal).map_err(E::custom)
                }
            }
            deserializer.deserialize_any(Visitor)
        }
    }
}

/// For fields that are optional *and* nullable: `None` = absent, `Some(None)` = `null`,
/// `Some(Some(v))` = a value. Use with `#[serde(default, deserialize_with = …)]`.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip_exactly() {
        let price: Decimal = serde_json::from_str("29.99").unwrap();
        assert_eq!(price.to_string(), "29.99");
        assert_eq!(serde_json::to_string(&price).unwrap(), "29.99");
        let from_text: Decimal = serde_json::from_str("\"0.10\"").unwrap();
        assert_eq!(from_text.0, rust_decimal::Decimal::new(10, 2));
    }

    #[test]
    fn date_times_are_validated() {
        let at: DateTime = serde_json::from_str("\"2024-01-15T10:30:00Z\"").unwrap();
        assert_eq!(at.unix_timestamp(), 1_705_314_600);
        assert_eq!(serde_json::to_string(&at).unwrap(), "\"2024-01-15T10:30:00Z\"");
        assert!(serde_json::from_str::<DateTime>("\"yesterday\"").is_err());
    }

    #[test]
    fn double_option_keeps_null_apart_from_absent() {
        #[derive(Deserialize)]
        struct Patch {
            #[serde(default, deserialize_with = "double_option")]
            note: Option<Option<String>>,
        }
        assert_eq!(serde_json::from_str::<Patch>("{}").unwrap().note, None);
        assert_eq!(serde_json::from_str::<Patch>("{\"note\":null}").unwrap().note, Some(None));
        assert_eq!(serde_json::from_str::<Patch>("{\"note\":\"x\"}").unwrap().note, Some(Some("x".into())));
    }
}
