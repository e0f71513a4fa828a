//! The signature-scheme grammar, its verifier and its signer.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use accord_contract::wire::{KeyEncoding, SignatureAlgorithm};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::ecdsa;
use super::error::WebhookError;
use super::headers::{HeaderSource, unique_header};
use crate::secret::Secret;

/// The key's text form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "webhook-scheme-serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct KeyFormat {
    /// Encoding of the text after the prefix.
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub encoding: KeyEncoding,
    /// Prefix removed when present (`whsec_`; Ed25519 public keys `whpk_`).
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub prefix: Option<Cow<'static, str>>,
    /// Prefix of signing keys when it differs from `prefix` (Ed25519 private keys `whsk_`).
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub signing_prefix: Option<Cow<'static, str>>,
}

/// A signature scheme, as a spec's `webhooks.signature` declares it (after presets are
/// expanded). Its serde form (feature `webhook-scheme-serde`) is that section's explicit form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "webhook-scheme-serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct Scheme {
    /// Signature algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Key text form.
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub key: KeyFormat,
    /// Header carrying the signature (`Stripe-Signature`).
    pub header: Cow<'static, str>,
    /// Header value for one key: entries joined by `separator`, exactly one of which holds
    /// `{hex}` or `{base64}` (the signature) and at most one `{timestamp}`:
    /// `t={timestamp},v1={hex}`, `v1,{base64}`, `sha256={hex}`, `{base64}`.
    pub format: Cow<'static, str>,
    /// Separator between entries when the header may carry several (`,` for Stripe, a space for
    /// Standard Webhooks). Entries that match no template (other versions) are skipped. Without
    /// a separator the whole header is one entry and must match.
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub separator: Option<Cow<'static, str>>,
    /// Signed content template over `{body}` (raw bytes), `{timestamp}`, `{id}`, `{url}` (the
    /// full request URL) and `{form_params}` (form parameters sorted by name then value, each
    /// name followed by its value: Twilio).
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default = "default_signed_payload"))]
    pub signed_payload: Cow<'static, str>,
    /// Header carrying the message id that `{id}` signs (`webhook-id`).
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub id_header: Option<Cow<'static, str>>,
    /// Header carrying the unix timestamp, when it is not an entry of the signature header.
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub timestamp_header: Option<Cow<'static, str>>,
    /// Replay window, seconds, checked both ways; 0 disables the check.
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub tolerance_seconds: u64,
    /// Also accept `{url}` with its port removed, or with the scheme's default port added
    /// (Twilio's SDK validator does both).
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub url_port_variants: bool,
    /// Query parameter of the URL carrying the hex SHA-256 of the body (Twilio's
    /// `bodySHA256`); when present the body is checked against it and `{form_params}` is empty.
    #[cfg_attr(feature = "webhook-scheme-serde", serde(default))]
    pub body_hash_param: Option<Cow<'static, str>>,
}

#[cfg(feature = "webhook-scheme-serde")]
fn default_signed_payload() -> Cow<'static, str> {
    Cow::Borrowed("{body}")
}

/// What a successful verification read from the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signed timestamp, unix seconds, when the scheme has one.
    pub timestamp: Option<i64>,
    /// The signed message id, when the scheme has one.
    pub id: Option<String>,
}

/// A message to sign: what [`Scheme::sign`] needs besides the keys.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// Raw body bytes.
    pub body: &'a [u8],
    /// Unix time of the delivery attempt, seconds.
    pub timestamp: i64,
    /// Message id, for schemes with an `id_header`.
    pub id: Option<&'a str>,
    /// Full request URL, for schemes that sign `{url}`.
    pub url: Option<&'a str>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Hex,
    Base64,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
        }
    }

    /// Whether `c` may occur in a signature of this encoding or in a timestamp (digits).
    fn alphabet(self, c: char) -> bool {
        match self {
            Encoding::Hex => c.is_ascii_digit() || ('a'..='f').contains(&c),
            Encoding::Base64 => c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='),
        }
    }
}

/// Most signature entries one header may carry. Real senders send one per active key (two
/// during a rotation); the cap bounds the work a forged header can cause (each Ed25519 entry
/// costs a verification per key).
pub const MAX_SIGNATURES: usize = 8;

/// Most pieces a signed-content template may have (`{id}.{timestamp}.{body}` has five).
const MAX_PIECES: usize = 12;

/// Room for one decoded signature: a P-256 DER signature's 72 bytes at most, plus the slack
/// base64's decoder asks for when it estimates the output length.
const SIGNATURE_ROOM: usize = 80;

/// One entry template: `prefix{placeholder}suffix`.
#[derive(Clone, Copy)]
struct Entry<'s> {
    prefix: &'s str,
    suffix: &'s str,
}

impl<'s> Entry<'s> {
    fn matches<'t>(&self, item: &'t str) -> Option<&'t str> {
        item.strip_prefix(self.prefix)?.strip_suffix(self.suffix)
    }
}

/// The parsed `format`: at most two entries, the signature's and the timestamp's.
#[derive(Clone, Copy)]
struct Layout<'s> {
    separator: Option<&'s str>,
    signature: Entry<'s>,
    encoding: Encoding,
    timestamp: Option<Entry<'s>>,
    /// Whether the timestamp entry comes before the signature's (Stripe's `t=…,v1=…`).
    timestamp_first: bool,
}

/// One piece of the signed content template.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece<'s> {
    Text(&'s str),
    Body,
    Timestamp,
    Id,
    Url,
    FormParams,
}

/// The parsed `signed_payload`, without allocating.
struct Pieces<'s> {
    items: [Piece<'s>; MAX_PIECES],
    len: usize,
}

impl<'s> Pieces<'s> {
    fn as_slice(&self) -> &[Piece<'s>] {
        &self.items[..self.len]
    }

    fn contains(&self, piece: Piece<'_>) -> bool {
        self.as_slice().iter().any(|p| std::mem::discriminant(p) == std::mem::discriminant(&piece))
    }

    /// The character the template puts right after `{id}`, which an id must not contain
    /// (Standard Webhooks: ids never contain `.`), so that id and what follows cannot trade
    /// bytes.
    fn id_terminator(&self) -> Option<char> {
        let at = self.as_slice().iter().position(|p| *p == Piece::Id)?;
        match self.as_slice().get(at + 1) {
            Some(Piece::Text(text)) => text.chars().next(),
            _ => None,
        }
    }
}

fn invalid(message: impl Into<String>) -> WebhookError {
    WebhookError::InvalidScheme(message.into())
}

fn split_placeholder(entry: &str) -> Option<(&str, &str, &str)> {
    let open = entry.find('{')?;
    let close = open + entry[open..].find('}')?;
    Some((&entry[..open], &entry[open + 1..close], &entry[close + 1..]))
}

impl Scheme {
    fn layout<'s>(&'s self) -> Result<Layout<'s>, WebhookError> {
        let separator = self.separator.as_deref().filter(|s| !s.is_empty());
        let format: &str = &self.format;
        let mut signature = None;
        let mut timestamp = None;
        let mut entries = 0;
        let mut parse_entry = |entry: &'s str| -> Result<(), WebhookError> {
            entries += 1;
            let Some((prefix, name, suffix)) = split_placeholder(entry) else {
                return Err(invalid(format!("format entry `{entry}` has no placeholder")));
            };
            if suffix.contains('{') {
                return Err(invalid(format!("format entry `{entry}` has more than one placeholder")));
            }
            let template = Entry { prefix, suffix };
            match name {
                "hex" | "base64" if signature.is_none() => {
                    let encoding = if name == "hex" { Encoding::Hex } else { Encoding::Base64 };
                    signature = Some((template, encoding, entries));
                }
                "timestamp" if timestamp.is_none() => timestamp = Some((template, entries)),
                _ => return Err(invalid(format!("unexpected placeholder `{{{name}}}` in format `{format}`"))),
            }
            Ok(())
        };
        for_each_item(format, separator, &mut parse_entry)?;
        let (signature, encoding, signature_at) =
            signature.ok_or_else(|| invalid(format!("format `{format}` has no `{{hex}}` or `{{base64}}`")))?;
        // Verify trims the header value and each entry (RFC 9110 §5.5): an entry with spaces at
        // an end would be written by `sign` and refused by `verify`.
        let mut padded = None;
        for_each_item(format, separator, &mut |entry: &'s str| {
            if padded.is_none() && entry.trim() != entry {
                padded = Some(entry);
            }
            Ok(())
        })?;
        if let Some(entry) = padded {
            return Err(invalid(format!(
                "format entry `{entry}` of `{format}` has spaces at an end, which verification trims away"
            )));
        }
        // Only joins may hold the separator: none of its characters may occur in an encoded
        // signature, a timestamp (digits) or the entries' literal text.
        if let Some(separator) = separator {
            let literal = |c: char| {
                [signature.prefix, signature.suffix].iter().any(|text| text.contains(c))
                    || timestamp.is_some_and(|(entry, _): (Entry<'_>, usize)| {
                        entry.prefix.contains(c) || entry.suffix.contains(c)
                    })
            };
            if let Some(c) = separator.chars().find(|&c| encoding.alphabet(c) || literal(c)) {
                let within = if encoding.alphabet(c) {
                    format!("{} signatures or timestamps can hold", encoding.name())
                } else {
                    format!("occurs in the literal text of format `{format}`")
                };
                return Err(invalid(format!(
                    "separator `{separator}` holds `{c}`, which {within}: a header could not be split into its entries"
                )));
            }
        }
        if let Some((entry, _)) = timestamp
            && (entry.prefix.starts_with(signature.prefix) || signature.prefix.starts_with(entry.prefix))
        {
            return Err(invalid(format!(
                "in format `{format}` the timestamp and signature entries need prefixes that tell them apart"
            )));
        }
        Ok(Layout {
            separator,
            signature,
            encoding,
            timestamp_first: timestamp.is_some_and(|(_, at)| at < signature_at),
            timestamp: timestamp.map(|(entry, _)| entry),
        })
    }

    fn pieces(&self) -> Result<Pieces<'_>, WebhookError> {
        let mut pieces = Pieces { items: [Piece::Text(""); MAX_PIECES], len: 0 };
        let mut push = |piece| {
            if pieces.len == MAX_PIECES {
                return Err(invalid(format!("the signed payload has more than {MAX_PIECES} parts")));
            }
            pieces.items[pieces.len] = piece;
            pieces.len += 1;
            Ok(())
        };
        let mut rest: &str = &self.signed_payload;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                push(Piece::Text(&rest[..open]))?;
            }
            let close = rest[open..]
                .find('}')
                .map(|at| open + at)
                .ok_or_else(|| invalid(format!("unclosed `{{` in `{}`", self.signed_payload)))?;
            push(match &rest[open + 1..close] {
                "body" => Piece::Body,
                "timestamp" => Piece::Timestamp,
                "id" => Piece::Id,
                "url" => Piece::Url,
                "form_params" => Piece::FormParams,
                other => return Err(invalid(format!("unknown placeholder `{{{other}}}` in the signed payload"))),
            })?;
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            push(Piece::Text(rest))?;
        }
        Ok(pieces)
    }

    /// Checks that the scheme is consistent: a format with one signature placeholder and
    /// entries that can be told apart, a signed payload with known placeholders that covers
    /// the body, a timestamp source wherever one is signed or a tolerance is set, an id header
    /// when `{id}` is signed.
    ///
    /// Errors: [`WebhookError::InvalidScheme`] saying what is wrong.
    pub fn check(&self) -> Result<(), WebhookError> {
        self.parse().map(|_| ())
    }

    /// The signature, id and timestamp headers: each a valid HTTP field name (RFC 9110 §5.1,
    /// which rules out an empty name), no two alike (names are case-insensitive), so that
    /// what `sign` writes `verify` reads as one value each.
    fn check_header_names(&self) -> Result<(), WebhookError> {
        let names = [
            ("signature header", Some(&self.header)),
            ("id_header", self.id_header.as_ref()),
            ("timestamp_header", self.timestamp_header.as_ref()),
        ];
        let names: Vec<(&str, &str)> =
            names.iter().filter_map(|(role, name)| name.map(|name| (*role, name.as_ref()))).collect();
        for (at, (role, name)) in names.iter().enumerate() {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(invalid(format!(
                    "the {role} `{name}` is not an HTTP header name (a non-empty token: letters, digits, `-`, …)"
                )));
            }
            if let Some((other, _)) = names[..at].iter().find(|(_, earlier)| earlier.eq_ignore_ascii_case(name)) {
                return Err(invalid(format!(
                    "the {role} and the {other} are both `{name}`: each needs its own header"
                )));
            }
        }
        Ok(())
    }

    /// The parsed format and signed-content template, once checked.
    fn parse(&self) -> Result<(Layout<'_>, Pieces<'_>), WebhookError> {
        let layout = self.layout()?;
        let pieces = self.pieces()?;
        let has_timestamp_source = layout.timestamp.is_some() || self.timestamp_header.is_some();
        let signs_timestamp = pieces.contains(Piece::Timestamp);
        if signs_timestamp && !has_timestamp_source {
            return Err(invalid("`{timestamp}` is signed but the scheme has no timestamp header or entry"));
        }
        // A tolerance needs a timestamp to check. A timestamp read but not signed is allowed
        // (a provider may document exactly that; the compiler warns): its window stops
        // accidental replays only, as anyone can rewrite it.
        if self.tolerance_seconds > 0 && !has_timestamp_source {
            return Err(invalid("the scheme sets a tolerance but reads no timestamp"));
        }
        if pieces.contains(Piece::Id) && self.id_header.is_none() {
            return Err(invalid("`{id}` is signed but the scheme has no id header"));
        }
        if layout.timestamp.is_some() && self.timestamp_header.is_some() {
            return Err(invalid("the timestamp comes from both a header and a format entry"));
        }
        if !pieces.contains(Piece::Body) && !pieces.contains(Piece::FormParams) {
            return Err(invalid("the signed payload covers no body: it needs `{body}` or `{form_params}`"));
        }
        self.check_header_names()?;
        Ok((layout, pieces))
    }

    /// Verifies a delivery against any of `keys` at time `now`. `url` is the full request URL,
    /// needed only by schemes that sign `{url}`.
    ///
    /// Errors, in the order they are checked: a scheme error; the signature header missing,
    /// duplicated, empty, in the wrong format or with more than [`MAX_SIGNATURES`] entries;
    /// the timestamp missing, invalid or outside the tolerance; the id or URL missing or
    /// malformed; the body hash wrong; the candidates not valid hex/base64 or of the wrong
    /// length; a key that does not decode; then `SignatureMismatch`.
    pub fn verify<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        url: Option<&str>,
        keys: &[&Secret],
        now: SystemTime,
    ) -> Result<Verified, WebhookError> {
        self.verifier()?.verify(headers, body, url, keys, now)
    }

    /// The scheme checked and parsed once, for verifying many deliveries: generated clients
    /// keep one in a static, which saves re-reading the format and template per delivery.
    ///
    /// Errors: [`WebhookError::InvalidScheme`], as [`Scheme::check`].
    pub fn verifier(&self) -> Result<Verifier<'_>, WebhookError> {
        let (layout, pieces) = self.parse()?;
        Ok(Verifier { scheme: self, layout, pieces })
    }

    fn check_key(
        &self,
        key: &[u8],
        content: &Content<'_>,
        url: &str,
        candidates: &[[u8; SIGNATURE_ROOM]],
        lengths: &[usize],
    ) -> Result<subtle::Choice, WebhookError> {
        let mut matched = subtle::Choice::from(0);
        let candidates = candidates.iter().zip(lengths).map(|(candidate, &length)| &candidate[..length]);
        match self.algorithm {
            SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1 => {
                let (tag, tag_length) = hmac_tag(self.algorithm, key, content, url)?;
                for candidate in candidates {
                    // Both are the algorithm's signature length: the decoder checked it.
                    matched |= candidate.ct_eq(&tag[..tag_length]);
                }
            }
            SignatureAlgorithm::Ed25519 => {
                let message = content.to_vec(url);
                for candidate in candidates {
                    matched |= subtle::Choice::from(u8::from(ed25519::verify(key, &message, candidate)?));
                }
            }
            // Signatures and keys are public: no comparison here needs to be constant-time.
            SignatureAlgorithm::EcdsaP256 => {
                let message = content.to_vec(url);
                for candidate in candidates {
                    matched |= subtle::Choice::from(u8::from(ecdsa::verify(key, &message, candidate)?));
                }
            }
        }
        Ok(matched)
    }

    /// Decodes a key's text per [`KeyFormat`]; `prefix` is removed when present.
    fn key_bytes<'k>(&self, text: &'k str, prefix: Option<&str>) -> Result<Cow<'k, [u8]>, WebhookError> {
        let text = match prefix {
            Some(prefix) => text.strip_prefix(prefix).unwrap_or(text),
            None => text,
        };
        let bytes: Cow<'k, [u8]> = match self.key.encoding {
            KeyEncoding::Utf8 => Cow::Borrowed(text.as_bytes()),
            KeyEncoding::Base64 => {
                let trimmed = text.trim().trim_end_matches('=');
                Cow::Owned(
                    LENIENT_BASE64
                        .decode(trimmed)
                        .map_err(|_| WebhookError::InvalidKey("the key is not base64".into()))?,
                )
            }
            KeyEncoding::Hex => {
                Cow::Owned(hex::decode(text.trim()).map_err(|_| WebhookError::InvalidKey("the key is not hex".into()))?)
            }
        };
        if bytes.is_empty() {
            return Err(WebhookError::InvalidKey("the key is empty".into()));
        }
        Ok(bytes)
    }

    /// `{form_params}`: the form body's parameters sorted by name then value, each name
    /// followed by its value; empty when the URL carries the body hash (checked here).
    fn form_params(&self, body: &[u8], url: Option<&str>, wanted: bool) -> Result<Option<String>, WebhookError> {
        if let (Some(param), Some(url)) = (&self.body_hash_param, url) {
            let hash = url::Url::parse(url)
                .ok()
                .and_then(|parsed| parsed.query_pairs().find(|(name, _)| name == param).map(|(_, v)| v.into_owned()));
            if let Some(hash) = hash {
                let actual = hex::encode(Sha256::digest(body));
                if !bool::from(actual.as_bytes().ct_eq(hash.to_ascii_lowercase().as_bytes())) {
                    return Err(WebhookError::BodyHashMismatch);
                }
                return Ok(wanted.then(String::new));
            }
        }
        if !wanted {
            return Ok(None);
        }
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        pairs.sort();
        Ok(Some(pairs.into_iter().map(|(name, value)| name + &value).collect()))
    }

    /// Signs `message` with each of `keys` (one signature entry per key, joined by the
    /// separator) and returns the headers a provider would send: the signature header, then
    /// the timestamp and id headers when the scheme has them. For tests and mock servers.
    ///
    /// Errors: `InvalidScheme`; `InvalidKey` for no key, a key that does not decode, or
    /// several keys when the format has no separator; `InvalidTimestamp` for a negative
    /// timestamp the scheme signs or sends (verification reads every non-negative `i64`); `MissingHeader` (the id header) when the scheme signs `{id}` and
    /// `message.id` is `None`, `WrongFormat` when the id is empty, padded with spaces or holds
    /// the character that follows `{id}` in the template; `MissingUrl`.
    pub fn sign(&self, message: &Message<'_>, keys: &[&Secret]) -> Result<Vec<(String, String)>, WebhookError> {
        let (layout, pieces) = self.parse()?;
        if keys.is_empty() {
            return Err(WebhookError::InvalidKey("no key to sign with".into()));
        }
        if keys.len() > 1 && layout.separator.is_none() {
            return Err(WebhookError::InvalidKey("this format carries one signature; sign with one key".into()));
        }
        if keys.len() > MAX_SIGNATURES {
            return Err(WebhookError::TooManySignatures { max: MAX_SIGNATURES });
        }
        // Verify reads only non-negative decimal timestamps: refuse to write one it would refuse,
        // whether it is signed or only sent along.
        let sends_timestamp =
            pieces.contains(Piece::Timestamp) || layout.timestamp.is_some() || self.timestamp_header.is_some();
        if message.timestamp < 0 && sends_timestamp {
            return Err(WebhookError::InvalidTimestamp);
        }
        let timestamp_text = message.timestamp.to_string();
        let id = match &self.id_header {
            Some(name) => {
                let id = message.id.ok_or_else(|| WebhookError::MissingHeader { name: name.to_string() })?;
                let terminator = pieces.id_terminator();
                if id.is_empty() || id.trim() != id || terminator.is_some_and(|t| id.contains(t)) {
                    return Err(WebhookError::WrongFormat {
                        name: name.to_string(),
                        expected: "a non-empty id without surrounding spaces or the template's separator".into(),
                    });
                }
                Some(id)
            }
            None => None,
        };
        let url = match (pieces.contains(Piece::Url), message.url) {
            (true, None) => return Err(WebhookError::MissingUrl),
            (_, url) => url,
        };
        let form = self.form_params(message.body, url, pieces.contains(Piece::FormParams))?;
        let content = Content {
            pieces: pieces.as_slice(),
            body: message.body,
            timestamp: Some(&timestamp_text),
            id,
            form: form.as_deref(),
        };
        let mut signatures = Vec::new();
        for key in keys {
            let bytes: Vec<u8> = match self.algorithm {
                SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1 => {
                    let key_bytes = self.key_bytes(key.expose(), self.key.prefix.as_deref())?;
                    let (tag, length) = hmac_tag(self.algorithm, &key_bytes, &content, url.unwrap_or_default())?;
                    tag[..length].to_vec()
                }
                SignatureAlgorithm::Ed25519 => {
                    let prefix = self.key.signing_prefix.as_deref().or(self.key.prefix.as_deref());
                    let key_bytes = self.key_bytes(key.expose(), prefix)?;
                    ed25519::sign(&key_bytes, &content.to_vec(url.unwrap_or_default()))?
                }
                SignatureAlgorithm::EcdsaP256 => {
                    let prefix = self.key.signing_prefix.as_deref().or(self.key.prefix.as_deref());
                    let key_bytes = self.key_bytes(key.expose(), prefix)?;
                    ecdsa::sign(&key_bytes, &content.to_vec(url.unwrap_or_default()))?
                }
            };
            let signature = match layout.encoding {
                Encoding::Hex => hex::encode(bytes),
                Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
            };
            signatures.push(format!("{}{signature}{}", layout.signature.prefix, layout.signature.suffix));
        }
        let timestamp_entry = layout.timestamp.map(|entry| format!("{}{timestamp_text}{}", entry.prefix, entry.suffix));
        let mut entries = Vec::new();
        if layout.timestamp_first {
            entries.extend(timestamp_entry.clone());
        }
        entries.extend(signatures);
        if !layout.timestamp_first {
            entries.extend(timestamp_entry);
        }
        let value = entries.join(layout.separator.unwrap_or_default());
        let mut headers = vec![(self.header.to_string(), value)];
        if let Some(name) = &self.timestamp_header {
            headers.push((name.to_string(), timestamp_text.clone()));
        }
        if let (Some(name), Some(id)) = (&self.id_header, id) {
            headers.push((name.to_string(), id.to_string()));
        }
        Ok(headers)
    }
}

/// Calls `f` on each item of `text` split by `separator` (one-character separators take the
/// faster `char` search), or on `text` whole without a separator.
fn for_each_item<'t>(
    text: &'t str,
    separator: Option<&str>,
    f: &mut impl FnMut(&'t str) -> Result<(), WebhookError>,
) -> Result<(), WebhookError> {
    match separator {
        None => f(text),
        Some(separator) => {
            let mut chars = separator.chars();
            match (chars.next(), chars.next()) {
                (Some(one), None) => text.split(one).try_for_each(f),
                _ => text.split(separator).try_for_each(f),
            }
        }
    }
}

/// A [`Scheme`] checked and parsed once (see [`Scheme::verifier`]).
pub struct Verifier<'s> {
    scheme: &'s Scheme,
    layout: Layout<'s>,
    pieces: Pieces<'s>,
}

impl std::fmt::Debug for Verifier<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("scheme", self.scheme).finish_non_exhaustive()
    }
}

impl Verifier<'_> {
    /// As [`Scheme::verify`], without re-parsing the scheme.
    ///
    /// Errors: as [`Scheme::verify`].
    pub fn verify<'h, H: HeaderSource + ?Sized>(
        &'h self,
        headers: &'h H,
        body: &[u8],
        url: Option<&str>,
        keys: &[&Secret],
        now: SystemTime,
    ) -> Result<Verified, WebhookError> {
        let scheme = self.scheme;
        let (layout, pieces) = (self.layout, &self.pieces);
        let header_name: &str = &scheme.header;
        let header = unique_header(headers, header_name)?;
        if header.is_empty() {
            return Err(WebhookError::EmptySignature { name: header_name.to_string() });
        }
        let wrong_format =
            || WebhookError::WrongFormat { name: header_name.to_string(), expected: scheme.format.to_string() };

        // Split the header into entries: pick out the timestamp, decode the signatures.
        let length = scheme.algorithm.signature_length();
        let variable = scheme.algorithm.variable_length();
        let mut signatures = [[0u8; SIGNATURE_ROOM]; MAX_SIGNATURES];
        let mut lengths = [0usize; MAX_SIGNATURES];
        let mut decoded = 0;
        let mut entries = 0;
        let mut empty = 0;
        let mut wrong_length = None;
        let mut der_invalid = false;
        let mut entry_timestamp: Option<&str> = None;
        let mut read_item = |item: &'h str| -> Result<(), WebhookError> {
            let item = item.trim();
            if item.is_empty() && layout.separator.is_some() {
                return Ok(());
            }
            if let Some(template) = layout.timestamp
                && let Some(value) = template.matches(item)
            {
                if entry_timestamp.replace(value).is_some() {
                    return Err(wrong_format());
                }
            } else if let Some(value) = layout.signature.matches(item) {
                entries += 1;
                if entries > MAX_SIGNATURES {
                    return Err(WebhookError::TooManySignatures { max: MAX_SIGNATURES });
                }
                match decode_signature(layout.encoding, value, length, variable, &mut signatures[decoded]) {
                    _ if value.is_empty() => empty += 1,
                    Decoded::Ok(found) if variable && !ecdsa::well_formed(&signatures[decoded][..found]) => {
                        der_invalid = true;
                    }
                    Decoded::Ok(found) => {
                        lengths[decoded] = found;
                        decoded += 1;
                    }
                    Decoded::WrongLength(found) => wrong_length = Some(found),
                    Decoded::Invalid => {}
                }
            } else if layout.separator.is_none() {
                return Err(wrong_format());
            }
            Ok(())
        };
        for_each_item(header, layout.separator, &mut read_item)?;
        if entries == 0 {
            return Err(wrong_format());
        }
        if empty == entries {
            return Err(WebhookError::EmptySignature { name: header_name.to_string() });
        }

        // The timestamp and the replay window.
        let timestamp_text = match (&scheme.timestamp_header, layout.timestamp) {
            (Some(name), _) => Some(unique_header(headers, name)?),
            (None, Some(_)) => Some(entry_timestamp.ok_or(WebhookError::MissingTimestamp)?),
            (None, None) => None,
        };
        let timestamp = match timestamp_text {
            Some("") => return Err(WebhookError::MissingTimestamp),
            Some(text) => Some(parse_timestamp(text)?),
            None => None,
        };
        if let Some(timestamp) = timestamp
            && scheme.tolerance_seconds > 0
        {
            let now_seconds = match now.duration_since(UNIX_EPOCH) {
                Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
                Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
            };
            let skew = timestamp.saturating_sub(now_seconds);
            if skew.unsigned_abs() > scheme.tolerance_seconds {
                return Err(WebhookError::TimestampOutsideTolerance { skew_seconds: skew });
            }
        }

        // The signed id and URL.
        let id = match &scheme.id_header {
            Some(name) => {
                let text = unique_header(headers, name)?;
                if text.is_empty() {
                    return Err(WebhookError::MissingHeader { name: name.to_string() });
                }
                if let Some(terminator) = pieces.id_terminator()
                    && text.contains(terminator)
                {
                    return Err(WebhookError::WrongFormat {
                        name: name.to_string(),
                        expected: format!("an id without `{terminator}`"),
                    });
                }
                Some(text)
            }
            None => None,
        };
        let signs_url = pieces.contains(Piece::Url);
        let url = if signs_url { Some(url.ok_or(WebhookError::MissingUrl)?) } else { url };
        let form = scheme.form_params(body, url, pieces.contains(Piece::FormParams))?;

        if decoded == 0 {
            return Err(match wrong_length {
                Some(found) => WebhookError::WrongLength { expected: length, found },
                None if der_invalid => WebhookError::InvalidEncoding { expected: "DER (an ECDSA `Ecdsa-Sig-Value`)" },
                None => WebhookError::InvalidEncoding { expected: layout.encoding.name() },
            });
        }
        if keys.is_empty() {
            return Err(WebhookError::InvalidKey("no key to verify with".into()));
        }

        let primary = url.unwrap_or_default();
        let variants = match url {
            Some(url) if signs_url && scheme.url_port_variants => url_variants(url),
            _ => Vec::new(),
        };
        let content = Content { pieces: pieces.as_slice(), body, timestamp: timestamp_text, id, form: form.as_deref() };
        let (candidates, lengths) = (&signatures[..decoded], &lengths[..decoded]);
        let mut matched = subtle::Choice::from(0);
        for key in keys {
            let key_bytes = scheme.key_bytes(key.expose(), scheme.key.prefix.as_deref())?;
            matched |= scheme.check_key(&key_bytes, &content, primary, candidates, lengths)?;
            for variant in variants.iter().filter(|v| v.as_str() != primary) {
                matched |= scheme.check_key(&key_bytes, &content, variant, candidates, lengths)?;
            }
        }
        if bool::from(matched) {
            Ok(Verified { timestamp, id: id.map(str::to_string) })
        } else {
            Err(WebhookError::SignatureMismatch)
        }
    }
}

/// A unix time in decimal seconds: ASCII digits only (no sign, no spaces), at most 19 (every
/// non-negative `i64`, so whatever [`Scheme::sign`] writes is read back; larger values fail to
/// parse).
fn parse_timestamp(text: &str) -> Result<i64, WebhookError> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::InvalidTimestamp);
    }
    text.parse().map_err(|_| WebhookError::InvalidTimestamp)
}

/// Lenient base64 for keys: the Standard Webhooks reference library (Python) appends `==`
/// before decoding, so unpadded keys with non-zero trailing bits are accepted.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

enum Decoded {
    /// Decoded, of this many bytes.
    Ok(usize),
    WrongLength(usize),
    Invalid,
}

/// Lowercase hex digit values; 0xff marks a byte that is not one.
const HEX: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut digit = 0;
    while digit < 10 {
        table[b'0' as usize + digit] = digit as u8;
        digit += 1;
    }
    let mut letter = 0;
    while letter < 6 {
        table[b'a' as usize + letter] = 10 + letter as u8;
        letter += 1;
    }
    table
};

/// Strict decoding of a signature candidate into `out`: lowercase hex, or canonical padded
/// base64, so that no two spellings of one signature exist. The length is checked against
/// `length` before anything is compared: equal to it, or, for `variable` (DER) signatures,
/// between [`ecdsa::MIN_DER_LENGTH`] and it.
fn decode_signature(
    encoding: Encoding,
    text: &str,
    length: usize,
    variable: bool,
    out: &mut [u8; SIGNATURE_ROOM],
) -> Decoded {
    if variable {
        return decode_variable(encoding, text, length, out);
    }
    let standard = &base64::engine::general_purpose::STANDARD;
    match encoding {
        Encoding::Hex => {
            let bytes = text.as_bytes();
            if bytes.len() % 2 != 0 {
                return Decoded::Invalid;
            }
            // One pass: decode, and OR every digit value so that one 0xff marks a non-digit.
            let mut seen = 0u8;
            for (index, pair) in bytes.chunks_exact(2).enumerate() {
                let (high, low) = (HEX[pair[0] as usize], HEX[pair[1] as usize]);
                seen |= (high & 0xf0) | (low & 0xf0);
                if let Some(slot) = out.get_mut(index) {
                    *slot = (high << 4) | (low & 0x0f);
                }
            }
            if seen != 0 {
                Decoded::Invalid
            } else if bytes.len() != 2 * length {
                Decoded::WrongLength(bytes.len() / 2)
            } else {
                Decoded::Ok(length)
            }
        }
        Encoding::Base64 => {
            if text.len() != length.div_ceil(3) * 4 {
                // Rare: report the decoded length when it is valid base64 at all.
                return match standard.decode(text) {
                    Ok(bytes) => Decoded::WrongLength(bytes.len()),
                    Err(_) => Decoded::Invalid,
                };
            }
            match standard.decode_slice(text, &mut out[..]) {
                Ok(written) if written == length => Decoded::Ok(length),
                Ok(written) => Decoded::WrongLength(written),
                Err(_) => Decoded::Invalid,
            }
        }
    }
}

/// [`decode_signature`] for signatures of varying length (DER), at most `length` bytes.
fn decode_variable(encoding: Encoding, text: &str, length: usize, out: &mut [u8; SIGNATURE_ROOM]) -> Decoded {
    let standard = &base64::engine::general_purpose::STANDARD;
    let decoded = match encoding {
        Encoding::Hex => {
            if text.len() % 2 != 0 || !text.bytes().all(|b| HEX[b as usize] != 0xff) {
                return Decoded::Invalid;
            }
            if text.len() > 2 * length {
                return Decoded::WrongLength(text.len() / 2);
            }
            for (index, pair) in text.as_bytes().chunks_exact(2).enumerate() {
                out[index] = (HEX[pair[0] as usize] << 4) | HEX[pair[1] as usize];
            }
            text.len() / 2
        }
        Encoding::Base64 => {
            if text.len() > length.div_ceil(3) * 4 {
                return match standard.decode(text) {
                    Ok(bytes) => Decoded::WrongLength(bytes.len()),
                    Err(_) => Decoded::Invalid,
                };
            }
            match standard.decode_slice(text, &mut out[..]) {
                Ok(written) => written,
                Err(_) => return Decoded::Invalid,
            }
        }
    };
    if decoded < ecdsa::MIN_DER_LENGTH { Decoded::WrongLength(decoded) } else { Decoded::Ok(decoded) }
}

/// The signed content, fed to a MAC piece by piece so that the body is never copied.
struct Content<'a> {
    pieces: &'a [Piece<'a>],
    body: &'a [u8],
    timestamp: Option<&'a str>,
    id: Option<&'a str>,
    form: Option<&'a str>,
}

impl Content<'_> {
    fn feed(&self, url: &str, sink: &mut impl FnMut(&[u8])) {
        for piece in self.pieces {
            match piece {
                Piece::Text(text) => sink(text.as_bytes()),
                Piece::Body => sink(self.body),
                Piece::Timestamp => sink(self.timestamp.unwrap_or_default().as_bytes()),
                Piece::Id => sink(self.id.unwrap_or_default().as_bytes()),
                Piece::Url => sink(url.as_bytes()),
                Piece::FormParams => sink(self.form.unwrap_or_default().as_bytes()),
            }
        }
    }

    fn to_vec(&self, url: &str) -> Vec<u8> {
        let mut content = Vec::with_capacity(self.body.len() + 64);
        self.feed(url, &mut |bytes| content.extend_from_slice(bytes));
        content
    }
}

/// The HMAC tag of the content and its length (32 bytes for SHA-256, 20 for SHA-1).
fn hmac_tag(
    algorithm: SignatureAlgorithm,
    key: &[u8],
    content: &Content<'_>,
    url: &str,
) -> Result<([u8; 32], usize), WebhookError> {
    // HMAC takes keys of any length (RFC 2104 §2); the error arm is unreachable in practice.
    let bad_key = |_| WebhookError::InvalidKey("HMAC rejected the key".into());
    let mut tag = [0u8; 32];
    let length = match algorithm {
        SignatureAlgorithm::HmacSha1 => {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).map_err(bad_key)?;
            content.feed(url, &mut |bytes| mac.update(bytes));
            let bytes = mac.finalize().into_bytes();
            tag[..bytes.len()].copy_from_slice(&bytes);
            bytes.len()
        }
        _ => {
            let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(bad_key)?;
            content.feed(url, &mut |bytes| mac.update(bytes));
            let bytes = mac.finalize().into_bytes();
            tag.copy_from_slice(&bytes);
            bytes.len()
        }
    };
    Ok((tag, length))
}

/// The URL as given, with its port removed, and with its port (the scheme's default added
/// when none is given): the forms Twilio's SDK validator accepts.
fn url_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_string()];
    if let Ok(parsed) = url::Url::parse(url)
        && let Some(host) = parsed.host_str()
    {
        let mut authority = String::new();
        if !parsed.username().is_empty() {
            authority.push_str(parsed.username());
            if let Some(password) = parsed.password() {
                authority.push(':');
                authority.push_str(password);
            }
            authority.push('@');
        }
        authority.push_str(host);
        let rest = &parsed[url::Position::BeforePath..];
        for variant in [
            Some(format!("{}://{authority}{rest}", parsed.scheme())),
            parsed.port_or_known_default().map(|port| format!("{}://{authority}:{port}{rest}", parsed.scheme())),
        ]
        .into_iter()
        .flatten()
        {
            if !variants.contains(&variant) {
                variants.push(variant);
            }
        }
    }
    variants
}

#[cfg(feature = "ed25519")]
mod ed25519 {
    use super::WebhookError;
    use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

    fn key_array(key: &[u8]) -> Result<&[u8; 32], WebhookError> {
        key.try_into().map_err(|_| WebhookError::InvalidKey(format!("an Ed25519 key is 32 bytes, not {}", key.len())))
    }

    pub(super) fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<bool, WebhookError> {
        let key = VerifyingKey::from_bytes(key_array(public_key)?)
            .map_err(|_| WebhookError::InvalidKey("not an Ed25519 public key".into()))?;
        let Ok(signature) = <&[u8; 64]>::try_from(signature) else { return Ok(false) };
        Ok(key.verify_strict(message, &Signature::from_bytes(signature)).is_ok())
    }

    pub(super) fn sign(seed: &[u8], message: &[u8]) -> Result<Vec<u8>, WebhookError> {
        let key = SigningKey::from_bytes(key_array(seed)?);
        Ok(key.sign(message).to_bytes().to_vec())
    }
}

#[cfg(not(feature = "ed25519"))]
mod ed25519 {
    use super::WebhookError;

    fn disabled() -> WebhookError {
        WebhookError::InvalidScheme("Ed25519 needs accord-runtime's `ed25519` feature".into())
    }

    pub(super) fn verify(_: &[u8], _: &[u8], _: &[u8]) -> Result<bool, WebhookError> {
        Err(disabled())
    }

    pub(super) fn sign(_: &[u8], _: &[u8]) -> Result<Vec<u8>, WebhookError> {
        Err(disabled())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn borrowed(text: &'static str) -> Cow<'static, str> {
        Cow::Borrowed(text)
    }

    /// GitHub's scheme (corpus `github`): body only, `sha256=` + lowercase hex.
    const GITHUB: Scheme = Scheme {
        algorithm: SignatureAlgorithm::HmacSha256,
        key: KeyFormat { encoding: KeyEncoding::Utf8, prefix: None, signing_prefix: None },
        header: borrowed("X-Hub-Signature-256"),
        format: borrowed("sha256={hex}"),
        separator: None,
        signed_payload: borrowed("{body}"),
        id_header: None,
        timestamp_header: None,
        tolerance_seconds: 0,
        url_port_variants: false,
        body_hash_param: None,
    };

    /// Stripe's scheme (corpus `stripe`).
    const STRIPE: Scheme = Scheme {
        algorithm: SignatureAlgorithm::HmacSha256,
        key: KeyFormat { encoding: KeyEncoding::Utf8, prefix: None, signing_prefix: None },
        header: borrowed("Stripe-Signature"),
        format: borrowed("t={timestamp},v1={hex}"),
        separator: Some(borrowed(",")),
        signed_payload: borrowed("{timestamp}.{body}"),
        id_header: None,
        timestamp_header: None,
        tolerance_seconds: 300,
        url_port_variants: false,
        body_hash_param: None,
    };

    /// Standard Webhooks v1 (corpus `standard-webhooks-v1`).
    const STANDARD: Scheme = Scheme {
        algorithm: SignatureAlgorithm::HmacSha256,
        key: KeyFormat { encoding: KeyEncoding::Base64, prefix: Some(borrowed("whsec_")), signing_prefix: None },
        header: borrowed("webhook-signature"),
        format: borrowed("v1,{base64}"),
        separator: Some(borrowed(" ")),
        signed_payload: borrowed("{id}.{timestamp}.{body}"),
        id_header: Some(borrowed("webhook-id")),
        timestamp_header: Some(borrowed("webhook-timestamp")),
        tolerance_seconds: 300,
        url_port_variants: false,
        body_hash_param: None,
    };

    const GITHUB_SECRET: &str = "It's a Secret to Everybody";
    const GITHUB_SIGNATURE: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    fn github(value: &str) -> Result<Verified, WebhookError> {
        let headers = [("X-Hub-Signature-256", value)];
        GITHUB.verify(&headers[..], b"Hello, World!", None, &[&Secret::new(GITHUB_SECRET)], UNIX_EPOCH)
    }

    fn header(name: &str) -> String {
        name.to_string()
    }

    #[test]
    fn each_malformed_signature_has_its_own_error() {
        assert!(github(&format!("sha256={GITHUB_SIGNATURE}")).is_ok());
        let cases: [(&str, WebhookError); 7] = [
            ("", WebhookError::EmptySignature { name: header("X-Hub-Signature-256") }),
            ("sha256=", WebhookError::EmptySignature { name: header("X-Hub-Signature-256") }),
            (
                &format!("sha1={GITHUB_SIGNATURE}"),
                WebhookError::WrongFormat { name: header("X-Hub-Signature-256"), expected: "sha256={hex}".into() },
            ),
            (&format!("sha256={}", &GITHUB_SIGNATURE[..40]), WebhookError::WrongLength { expected: 32, found: 20 }),
            (&format!("sha256={}", &GITHUB_SIGNATURE[..63]), WebhookError::InvalidEncoding { expected: "hex" }),
            (&format!("sha256={}", GITHUB_SIGNATURE.to_uppercase()), WebhookError::InvalidEncoding { expected: "hex" }),
            (&format!("sha256={}zz", &GITHUB_SIGNATURE[..62]), WebhookError::InvalidEncoding { expected: "hex" }),
        ];
        for (value, expected) in &cases {
            assert_eq!(github(value).err().as_ref(), Some(expected), "{value:?}");
        }
        // Surrounding whitespace is not part of the value (RFC 9110 §5.5).
        assert!(github(&format!(" sha256={GITHUB_SIGNATURE} ")).is_ok());
    }

    #[test]
    fn missing_and_duplicated_headers_are_named() {
        let key = Secret::new(GITHUB_SECRET);
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            GITHUB.verify(&none[..], b"x", None, &[&key], UNIX_EPOCH),
            Err(WebhookError::MissingHeader { name: header("X-Hub-Signature-256") })
        );
        let value = format!("sha256={GITHUB_SIGNATURE}");
        let twice = [("x-hub-signature-256", value.as_str()), ("X-Hub-Signature-256", value.as_str())];
        assert_eq!(
            GITHUB.verify(&twice[..], b"Hello, World!", None, &[&key], UNIX_EPOCH),
            Err(WebhookError::DuplicateHeader { name: header("X-Hub-Signature-256") })
        );
        let signed = STANDARD
            .sign(
                &Message { body: b"{}", timestamp: 1000, id: Some("msg_1"), url: None },
                &[&Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")],
            )
            .expect("signs");
        let without_id: Vec<_> = signed.iter().filter(|(name, _)| name != "webhook-id").cloned().collect();
        assert_eq!(
            STANDARD.verify(
                &without_id,
                b"{}",
                None,
                &[&Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")],
                at(1000)
            ),
            Err(WebhookError::MissingHeader { name: header("webhook-id") })
        );
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + std::time::Duration::from_secs(seconds)
    }

    /// `sign` wrote 19-digit timestamps that `verify`, reading at most 18 digits, refused
    /// (issue 20, item 12): every timestamp `sign` writes, `verify` reads back.
    #[test]
    fn verify_reads_every_timestamp_sign_writes() {
        let key = Secret::new("whsec_test_secret");
        let standard_key = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        for timestamp in [0, 999_999_999_999_999_999, 1_000_000_000_000_000_000, i64::MAX] {
            let message = Message { body: b"{}", timestamp, id: Some("msg_1"), url: None };
            let now = UNIX_EPOCH + std::time::Duration::from_secs(timestamp.unsigned_abs());
            let signed = STRIPE.sign(&message, &[&key]).expect("signs");
            let verified = STRIPE.verify(&signed, b"{}", None, &[&key], now).expect("verifies");
            assert_eq!(verified.timestamp, Some(timestamp), "stripe {timestamp}");
            let signed = STANDARD.sign(&message, &[&standard_key]).expect("signs");
            let verified = STANDARD.verify(&signed, b"{}", None, &[&standard_key], now).expect("verifies");
            assert_eq!(verified.timestamp, Some(timestamp), "standard {timestamp}");
        }
        // A negative timestamp is refused by both: `sign` does not write what `verify` refuses.
        let negative = Message { body: b"{}", timestamp: -1, id: Some("msg_1"), url: None };
        assert_eq!(STRIPE.sign(&negative, &[&key]), Err(WebhookError::InvalidTimestamp));
        let sent_not_signed = Scheme { signed_payload: borrowed("{body}"), ..STANDARD };
        assert_eq!(sent_not_signed.sign(&negative, &[&standard_key]), Err(WebhookError::InvalidTimestamp));
    }

    #[test]
    fn timestamps_are_checked_both_ways_and_strictly_parsed() {
        let key = Secret::new("whsec_test_secret");
        let signed =
            STRIPE.sign(&Message { body: b"{}", timestamp: 10_000, id: None, url: None }, &[&key]).expect("signs");
        assert_eq!(signed[0].1.split(',').count(), 2, "t= and one v1= entry");
        assert!(STRIPE.verify(&signed, b"{}", None, &[&key], at(10_300)).is_ok());
        assert!(STRIPE.verify(&signed, b"{}", None, &[&key], at(9_700)).is_ok());
        assert_eq!(
            STRIPE.verify(&signed, b"{}", None, &[&key], at(10_301)),
            Err(WebhookError::TimestampOutsideTolerance { skew_seconds: -301 })
        );
        assert_eq!(
            STRIPE.verify(&signed, b"{}", None, &[&key], at(9_699)),
            Err(WebhookError::TimestampOutsideTolerance { skew_seconds: 301 })
        );
        let v1 = signed[0].1.split(',').nth(1).expect("v1 entry").to_string();
        for (timestamp, expected) in [
            ("t=+10000", WebhookError::InvalidTimestamp),
            ("t=-5", WebhookError::InvalidTimestamp),
            ("t=1e4", WebhookError::InvalidTimestamp),
            ("t=99999999999999999999", WebhookError::InvalidTimestamp),
            ("t=", WebhookError::MissingTimestamp),
        ] {
            let headers = [("Stripe-Signature", format!("{timestamp},{v1}"))];
            assert_eq!(STRIPE.verify(&headers[..], b"{}", None, &[&key], at(10_000)), Err(expected), "{timestamp}");
        }
        let no_timestamp = [("Stripe-Signature", v1.clone())];
        assert_eq!(
            STRIPE.verify(&no_timestamp[..], b"{}", None, &[&key], at(10_000)),
            Err(WebhookError::MissingTimestamp)
        );
        // 20 digits: more than an i64 holds.
        let too_long = [("Stripe-Signature", format!("t=10000000000000000000,{v1}"))];
        assert_eq!(STRIPE.verify(&too_long[..], b"{}", None, &[&key], at(10_000)), Err(WebhookError::InvalidTimestamp));
        let two_timestamps = [("Stripe-Signature", format!("t=10000,t=10000,{v1}"))];
        assert!(matches!(
            STRIPE.verify(&two_timestamps[..], b"{}", None, &[&key], at(10_000)),
            Err(WebhookError::WrongFormat { .. })
        ));
    }

    #[test]
    fn several_keys_sign_several_entries_and_any_key_verifies() {
        let old = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let new = Secret::new("whsec_c29tZW9uZSBlbHNlJ3Mga2V5IGJ5dGVz");
        let message = Message { body: b"{}", timestamp: 1000, id: Some("msg_1"), url: None };
        let signed = STANDARD.sign(&message, &[&old, &new]).expect("signs");
        let value = &signed[0].1;
        assert_eq!(value.split(' ').count(), 2, "{value}");
        assert!(value.split(' ').all(|entry| entry.starts_with("v1,")));
        assert!(STANDARD.verify(&signed, b"{}", None, &[&new], at(1000)).is_ok());
        assert!(STANDARD.verify(&signed, b"{}", None, &[&old], at(1000)).is_ok());
        let other = Secret::new("whsec_b3RoZXIgc2VjcmV0IGJ5dGVzIGZvciB0ZXN0cw==");
        assert_eq!(STANDARD.verify(&signed, b"{}", None, &[&other], at(1000)), Err(WebhookError::SignatureMismatch));
        // A format without a separator carries one signature.
        assert!(matches!(GITHUB.sign(&message, &[&old, &new]), Err(WebhookError::InvalidKey(_))));
        assert!(matches!(
            STANDARD.verify(&signed, b"{}", None, &[&Secret::new("whsec_***")], at(1000)),
            Err(WebhookError::InvalidKey(_))
        ));
        assert!(matches!(STANDARD.verify(&signed, b"{}", None, &[], at(1000)), Err(WebhookError::InvalidKey(_))));
    }

    #[test]
    fn ids_cannot_trade_bytes_with_the_body_and_headers_are_bounded() {
        let key = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        // `msg.1614265330` + body `B` and `msg` + body `1614265330.B` sign the same bytes;
        // Standard Webhooks ids never contain `.`, so neither is signed nor accepted.
        let dotted = Message { body: b"B", timestamp: 1000, id: Some("msg.1000"), url: None };
        assert!(matches!(STANDARD.sign(&dotted, &[&key]), Err(WebhookError::WrongFormat { .. })));
        let signed = STANDARD
            .sign(&Message { body: b"1000.B", timestamp: 1000, id: Some("msg"), url: None }, &[&key])
            .expect("signs");
        let forged: Vec<(String, String)> = signed
            .iter()
            .map(|(name, value)| {
                (name.clone(), if name == "webhook-id" { "msg.1000".to_string() } else { value.clone() })
            })
            .collect();
        assert!(matches!(
            STANDARD.verify(&forged, b"B", None, &[&key], at(1000)),
            Err(WebhookError::WrongFormat { .. })
        ));
        // A negative timestamp cannot be signed (the verifier accepts digits only).
        let negative = Message { body: b"{}", timestamp: -5, id: None, url: None };
        assert_eq!(STRIPE.sign(&negative, &[&key]), Err(WebhookError::InvalidTimestamp));
        // At most MAX_SIGNATURES entries are read.
        let entry = signed[0].1.clone();
        let many = vec![entry; MAX_SIGNATURES + 1].join(" ");
        let headers = [("webhook-signature", many.as_str()), ("webhook-id", "msg"), ("webhook-timestamp", "1000")];
        assert_eq!(
            STANDARD.verify(&headers[..], b"1000.B", None, &[&key], at(1000)),
            Err(WebhookError::TooManySignatures { max: MAX_SIGNATURES })
        );
    }

    fn refused(scheme: &Scheme) -> String {
        match scheme.check() {
            Err(WebhookError::InvalidScheme(message)) => message,
            other => panic!("{scheme:?} was not refused: {other:?}"),
        }
    }

    /// accord-fuzz `webhook-scheme-check-separator`: a separator that can occur inside an
    /// encoded signature split `sign`'s header inside the signature.
    #[test]
    fn separators_that_signatures_or_literals_hold_are_refused() {
        for (separator, scheme) in
            [("l", STANDARD), ("dc", STANDARD), ("/", STANDARD), ("=", STANDARD), ("c", GITHUB), (";h", GITHUB)]
        {
            let scheme = Scheme { separator: Some(borrowed(separator)), ..scheme };
            let message = refused(&scheme);
            assert!(message.contains(&format!("separator `{separator}`")), "{message}");
        }
        // Hex signatures hold no `g`, base64 ones no `-` or `;`; `,` is in `v1,` (a literal).
        assert!(Scheme { separator: Some(borrowed(";")), ..STANDARD }.check().is_ok());
        assert!(Scheme { separator: Some(borrowed("-")), ..GITHUB }.check().is_ok());
        let message = refused(&Scheme { separator: Some(borrowed(",")), format: borrowed("v1,{base64}"), ..STANDARD });
        assert!(message.contains("format entry") || message.contains("literal"), "{message}");
        // A separator next to spaces leaves them in the entries, which verification trims away.
        let spaced = Scheme { format: borrowed("t={timestamp}; v1={hex}"), separator: Some(borrowed(";")), ..STRIPE };
        assert!(refused(&spaced).contains("spaces at an end"));
        // What check accepts signs and verifies with two keys.
        let keys = [
            Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Secret::new("whsec_c29tZW9uZSBlbHNlJ3Mga2V5IGJ5dGVz"),
        ];
        let semicolon = Scheme { separator: Some(borrowed(";")), ..STANDARD };
        let message = Message { body: b"{}", timestamp: 1000, id: Some("msg_1"), url: None };
        let signed = semicolon.sign(&message, &[&keys[0], &keys[1]]).expect("signs");
        assert!(semicolon.verify(&signed, b"{}", None, &[&keys[1]], at(1000)).is_ok());
    }

    /// accord-fuzz `webhook-scheme-check-format-space`: verify trims the header and its
    /// entries, so a format entry with spaces at an end never matched what `sign` wrote.
    #[test]
    fn format_entries_with_spaces_at_an_end_are_refused() {
        for (format, separator) in [("sha1={hex} ", None), (" {base64}", None), ("t={timestamp}, v1={hex}", Some(","))]
        {
            let scheme = Scheme { format: borrowed(format), separator: separator.map(borrowed), ..STRIPE };
            let scheme =
                if format.contains("timestamp") { scheme } else { Scheme { format: borrowed(format), ..GITHUB } };
            assert!(refused(&scheme).contains("spaces at an end"), "{format:?}");
        }
        // Spaces inside an entry stay allowed, and round-trip.
        let inner = Scheme { format: borrowed("sha256 = {hex}"), ..GITHUB };
        let key = Secret::new(GITHUB_SECRET);
        let signed = inner.sign(&Message { body: b"x", timestamp: 0, id: None, url: None }, &[&key]).expect("signs");
        assert!(inner.verify(&signed, b"x", None, &[&key], UNIX_EPOCH).is_ok());
    }

    /// accord-fuzz `webhook-scheme-check-header-names`: an empty header name, or two of the
    /// scheme's headers alike, made `sign` write headers `verify` calls missing or duplicated.
    #[test]
    fn header_names_must_be_valid_and_distinct() {
        for scheme in [
            Scheme { timestamp_header: Some(borrowed("")), ..STANDARD },
            Scheme { id_header: Some(borrowed("")), ..STANDARD },
            Scheme { header: borrowed(""), ..STANDARD },
            Scheme { id_header: Some(borrowed(" ")), ..STANDARD },
            Scheme { id_header: Some(borrowed("webhook id")), ..STANDARD },
        ] {
            assert!(refused(&scheme).contains("not an HTTP header name"), "{scheme:?}");
        }
        for scheme in [
            Scheme { timestamp_header: Some(borrowed("Webhook-Signature")), ..STANDARD },
            Scheme { id_header: Some(borrowed("WEBHOOK-TIMESTAMP")), ..STANDARD },
            Scheme { id_header: Some(borrowed("webhook-signature")), ..STANDARD },
            Scheme { timestamp_header: Some(borrowed("X-Hub-Signature-256")), ..GITHUB },
        ] {
            assert!(refused(&scheme).contains("are both"), "{scheme:?}");
        }
    }

    /// accord-fuzz `webhook-negative-unsigned-timestamp`: a timestamp sent in a header but
    /// not signed was written negative by `sign` and refused by `verify`. Timestamps are Unix
    /// seconds, non-negative: `sign` refuses a negative one wherever the scheme sends it, and
    /// ignores it where the scheme sends none.
    #[test]
    fn sign_refuses_negative_timestamps_it_would_send_unsigned() {
        let key = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let unsigned = Scheme { signed_payload: borrowed("{id}.{body}"), tolerance_seconds: 0, ..STANDARD };
        let negative = Message { body: b"{}", timestamp: -688_100, id: Some("msg_1"), url: None };
        assert_eq!(unsigned.sign(&negative, &[&key]), Err(WebhookError::InvalidTimestamp));
        let signed = unsigned.sign(&Message { timestamp: 0, ..negative }, &[&key]).expect("signs");
        assert_eq!(unsigned.verify(&signed, b"{}", None, &[&key], UNIX_EPOCH).map(|v| v.timestamp), Ok(Some(0)));
        let github = Secret::new(GITHUB_SECRET);
        assert!(GITHUB.sign(&Message { id: None, ..negative }, &[&github]).is_ok());
    }

    #[test]
    fn url_variants_cover_the_port_forms() {
        assert_eq!(
            url_variants("https://example.com/hook?a=1"),
            ["https://example.com/hook?a=1", "https://example.com:443/hook?a=1"]
        );
        assert_eq!(
            url_variants("http://user:pw@example.com:8080/h"),
            ["http://user:pw@example.com:8080/h", "http://user:pw@example.com/h"]
        );
        assert_eq!(url_variants("not a url"), ["not a url"]);
    }

    #[test]
    fn inconsistent_schemes_are_refused_not_panicked_on() {
        for scheme in [
            Scheme { format: borrowed("sha256={signature}"), ..GITHUB },
            Scheme { format: borrowed("sha256"), ..GITHUB },
            Scheme { format: borrowed("{hex}{hex}"), ..GITHUB },
            Scheme { signed_payload: borrowed("{body"), ..GITHUB },
            Scheme { signed_payload: borrowed("{timestamp}.{body}"), ..GITHUB },
            Scheme { signed_payload: borrowed("{id}.{body}"), ..GITHUB },
            Scheme { timestamp_header: Some(borrowed("X-T")), ..STRIPE },
            // A tolerance without a timestamp to check.
            Scheme { tolerance_seconds: 300, ..GITHUB },
            // Entries that cannot be told apart.
            Scheme {
                format: borrowed("{timestamp},{hex}"),
                separator: Some(borrowed(",")),
                signed_payload: borrowed("{timestamp}.{body}"),
                ..GITHUB
            },
            // Nothing covers the body.
            Scheme { signed_payload: borrowed("{timestamp}"), ..STRIPE },
        ] {
            assert!(matches!(scheme.check(), Err(WebhookError::InvalidScheme(_))), "{scheme:?}");
            let headers = [("X-Hub-Signature-256", "sha256=00")];
            assert!(matches!(
                scheme.verify(&headers[..], b"", None, &[&Secret::new("k")], UNIX_EPOCH),
                Err(WebhookError::InvalidScheme(_))
            ));
        }
    }
}
