//! Bytes to text: UTF-8 as is; UTF-16 (with a byte-order mark, or NULs in every other byte as
//! Windows saves "Unicode text") and legacy single-byte encodings (Windows-1252 / Latin-1 from
//! older Word and Excel exports, and the others `chardetng` knows) decoded, with a warning
//! naming the encoding so the analyst can check the accents. Only bytes that no encoding reads
//! as text (decoding errors, control characters: a binary file) are an error.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::{Error, Result};

/// A decoded text and, when it was not UTF-8, the warning that says how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub warning: Option<String>,
}

/// Decodes `bytes` (see the module doc); `name` (a file, `<stdin>`) is named in messages.
/// A UTF-8 byte-order mark is dropped.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<Decoded> {
    if let Some((encoding, skip)) = utf16(&bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[skip..]);
        if had_errors {
            return Err(Error::data(format!(
                "{name}: looks like {} but is not valid UTF-16; re-save the file as UTF-8",
                label(encoding)
            )));
        }
        let text = text.into_owned();
        check_text(name, &text, encoding)?;
        return Ok(Decoded { text, warning: Some(read_as(name, encoding)) });
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => {
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            return Ok(Decoded { text, warning: None });
        }
        Err(e) => e.into_bytes(),
    };
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    // Latin-1 is read as Windows-1252 (its superset, as browsers do): the same letters.
    for encoding in [guess, WINDOWS_1252] {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
        if !had_errors && check_text(name, &text, encoding).is_ok() {
            return Ok(Decoded { text: text.into_owned(), warning: Some(read_as(name, encoding)) });
        }
    }
    let at = String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to()).err().unwrap_or(0);
    Err(Error::data(format!(
        "{name}: not UTF-8 (byte {at}) and not text in any encoding tried (a binary file?); re-save the file as UTF-8 text"
    )))
}

/// As [`decode`], but bytes that are not UTF-8 are read in the encoding `declared` names (an
/// HTML page's charset label) when it fits them, without a warning: the page said so.
pub fn decode_declared(name: &str, bytes: Vec<u8>, declared: Option<Vec<u8>>) -> Result<Decoded> {
    let declared = declared.and_then(|label| Encoding::for_label(&label));
    if let Some(encoding) = declared.filter(|e| !matches!(e.name(), "UTF-8" | "UTF-16LE" | "UTF-16BE")) {
        if utf16(&bytes).is_none() && std::str::from_utf8(&bytes).is_err() {
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
            if !had_errors && check_text(name, &text, encoding).is_ok() {
                return Ok(Decoded { text: text.into_owned(), warning: None });
            }
        }
    }
    decode(name, bytes)
}

/// The encoding's name as users know it.
fn label(encoding: &'static Encoding) -> &'static str {
    match encoding.name() {
        "windows-1252" => "Windows-1252 (Latin-1)",
        "UTF-16LE" => "UTF-16 (little-endian)",
        "UTF-16BE" => "UTF-16 (big-endian)",
        other => other,
    }
}

fn read_as(name: &str, encoding: &'static Encoding) -> String {
    format!(
        "{name}: not UTF-8, read as {}; check its accents, or re-save the file as UTF-8 to silence this",
        label(encoding)
    )
}

/// Refuses a decoding that gives control characters (other than tab, line and page breaks): the
/// bytes were not text in that encoding.
fn check_text(name: &str, text: &str, encoding: &'static Encoding) -> Result<()> {
    match text.chars().position(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) {
        Some(at) => Err(Error::data(format!(
            "{name}: read as {}, character {at} is a control character (a binary file?); re-save the file as UTF-8 text",
            label(encoding)
        ))),
        None => Ok(()),
    }
}

/// UTF-16 and the bytes to skip (its byte-order mark) when `bytes` look like UTF-16: a BOM, or
/// a NUL in every other byte of an ASCII start.
fn utf16(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some((UTF_16LE, 2)),
        [0xFE, 0xFF, ..] => return Some((UTF_16BE, 2)),
        [0xEF, 0xBB, 0xBF, ..] => return None,
        _ => {}
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return None;
    }
    let zeros = |offset: usize| head.iter().skip(offset).step_by(2).all(|&b| b == 0);
    let text = |offset: usize| head.iter().skip(offset).step_by(2).all(|&b| b != 0);
    if zeros(1) && text(0) {
        Some((UTF_16LE, 0))
    } else if zeros(0) && text(1) {
        Some((UTF_16BE, 0))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_and_loses_its_bom() {
        let d = decode("a", "\u{feff}Sécurité".as_bytes().to_vec()).unwrap();
        assert_eq!(d, Decoded { text: "Sécurité".into(), warning: None });
    }

    #[test]
    fn latin1_and_windows_1252_are_decoded_with_a_warning() {
        let d =
            decode("a.txt", b"La s\xe9curit\xe9 internationale de l\x92information \x96 \xab d\xe9bat \xbb".to_vec())
                .unwrap();
        assert_eq!(d.text, "La sécurité internationale de l’information – « débat »");
        assert!(d.warning.unwrap().contains("a.txt: not UTF-8, read as Windows-1252 (Latin-1)"));
        assert_eq!(decode("x", b"caf\xe9".to_vec()).unwrap().text, "café");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let s = "Sécurité de l'information";
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, name) in [
            ([vec![0xFF, 0xFE], le.clone()].concat(), "UTF-16 (little-endian)"),
            ([vec![0xFE, 0xFF], be.clone()].concat(), "UTF-16 (big-endian)"),
            (le, "UTF-16 (little-endian)"),
            (be, "UTF-16 (big-endian)"),
        ] {
            let d = decode("u", bytes).unwrap();
            assert_eq!(d.text, s);
            assert!(d.warning.unwrap().contains(name));
        }
    }

    #[test]
    fn binary_is_undecidable() {
        for bytes in [&b"\x81\x00\x9d\x01\x02\x03\xff"[..], b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xe9"] {
            let e = decode("b.bin", bytes.to_vec()).unwrap_err().to_string();
            assert!(e.starts_with("b.bin: ") && e.contains("UTF-8") && !e.contains('\n'), "{e}");
        }
        // odd-length UTF-16 is not valid UTF-16
        let e = decode("u", vec![0xFF, 0xFE, b'a', 0, b'b']).unwrap_err().to_string();
        assert!(e.contains("UTF-16"), "{e}");
    }
}
