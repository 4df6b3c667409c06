//! The server functions' JSON encoding. The same JSON as server_fn's own `Json`, but the browser
//! reads an answer as text (`serde_json::from_str`), as it reads the resources' hydration data
//! and the remembered failure in `localStorage`. With server_fn's codec (`from_slice`) every type
//! a server function returns had its deserializer compiled twice into the WASM, once per reader;
//! one reader keeps one copy (issue 18's bundle budget).

use bytes::Bytes;
use serde::Serialize;
use serde::de::{DeserializeOwned, Error as _};
use server_fn::codec::Post;
use server_fn::{ContentType, Format, FormatType};
use server_fn::{Decodes, Encodes};

/// JSON in both directions, decoded from text.
pub struct TextJsonEncoding;

/// Arguments and answers as JSON in the body of a `POST`, read as text.
pub type TextJson = Post<TextJsonEncoding>;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde_json::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_survives_the_round_trip() {
        let sent = vec![Some("aks-demo".to_string()), None];
        let bytes = <TextJsonEncoding as Encodes<_>>::encode(&sent).expect("encodes");
        assert_eq!(&bytes[..], br#"["aks-demo",null]"#);
        let read: Vec<Option<String>> = TextJsonEncoding::decode(bytes).expect("decodes");
        assert_eq!(read, sent);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_not_a_panic() {
        let read: Result<String, _> = TextJsonEncoding::decode(Bytes::from_static(b"\"\xff\""));
        assert!(read.is_err());
    }
}
