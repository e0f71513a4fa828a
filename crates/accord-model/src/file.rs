//! A file to upload in a `multipart/form-data` body (RFC 7578), and its JSON form.

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A file to upload: its bytes, and optionally the file name and media type sent in the part
/// headers (`Content-Disposition: form-data; name="file"; filename="a.png"`,
/// `Content-Type: image/png`; the media type defaults to `application/octet-stream`).
///
/// In JSON (a model serialised with serde, or a scenario) a file is its bytes in standard
/// base64 (RFC 4648 §4); on the wire of a multipart body it is the raw bytes. `Debug` shows
/// the length, never the contents.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct File {
    bytes: Vec<u8>,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl File {
    /// A file of these bytes, without a name or media type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        File { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Reads a file from disk and names the part after its file name.
    ///
    /// Errors: the file cannot be read.
    pub fn read(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok(File { bytes, file_name: name, content_type: None })
    }

    /// Sets the file name sent in `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's media type (`image/png`).
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file name, when set.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, when set.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Serialize for File {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for File {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| serde::de::Error::custom(format!("a file is standard base64 in JSON: {e}")))?;
        Ok(File::new(bytes))
    }
}
