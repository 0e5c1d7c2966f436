//! Word files (`.docx`): the paragraphs of the document body (`word/document.xml`), in order,
//! tables' cell paragraphs included, one paragraph per line with an empty line between. Dropped:
//! headers and footers, footnotes and endnotes, comments (other parts of the file), deleted
//! tracked changes and field codes. The document's title (`docProps/core.xml`) fills a manifest
//! row without one.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use crate::{Error, Result};

/// Paragraphs and title of the Word file `name` (see the module doc).
pub(super) fn extract(name: &str, bytes: Vec<u8>) -> Result<(String, Option<String>)> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::data(format!(
            "{name}: a Word 97-2003 (.doc) file; save it as .docx (Word Document) or as text first"
        )));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        Error::data(format!("{name}: not a Word .docx file (not a zip archive: {e}); save it as .docx, or as text"))
    })?;
    let body = part(name, &mut zip, "word/document.xml")?.ok_or_else(|| {
        Error::data(format!("{name}: no word/document.xml, so not a Word document; save it as .docx, or as text"))
    })?;
    let text = paragraphs(name, &body)?;
    let title = match part(name, &mut zip, "docProps/core.xml") {
        Ok(Some(core)) => title(&core),
        _ => None, // the title is a nicety: a damaged core.xml does not refuse the document
    };
    Ok((text, title))
}

/// The part `path` of the archive as text, read through a cap (a zip bomb stops there).
fn part(name: &str, zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, path: &str) -> Result<Option<String>> {
    let cap = crate::corpus::max_file_bytes()?;
    let entry = match zip.by_name(path) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(Error::data(format!("{name}: cannot read {path} ({e}); the file is damaged"))),
    };
    let mut bytes = Vec::new();
    entry
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::data(format!("{name}: cannot read {path} ({e}); the file is damaged")))?;
    if bytes.len() as u64 > cap {
        return Err(Error::data(format!(
            "{name}: {path} unpacks to over {} MB; split the document, or raise the limit with {}=N",
            cap >> 20,
            crate::corpus::MAX_FILE_ENV
        )));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::data(format!("{name}: {path} is not UTF-8 XML; the file is damaged")))
}

/// The text of a predefined XML entity or character reference.
fn reference(r: &quick_xml::events::BytesRef) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match &*r.xml10_content() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// The body's paragraphs: text of `w:t` runs, tabs and line breaks as spaces, non-breaking
/// hyphens as `-`, one line per `w:p`.
fn paragraphs(name: &str, xml: &str) -> Result<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut paragraphs, mut line, mut in_text) = (Vec::<String>::new(), String::new(), false);
    loop {
        let event = reader.read_event().map_err(|e| {
            Error::data(format!(
                "{name}: word/document.xml is not valid XML at byte {} ({e}); the file is damaged",
                reader.error_position()
            ))
        })?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        paragraphs.push(text);
                    }
                    line.clear();
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" | "br" | "cr" => line.push(' '),
                "noBreakHyphen" => line.push('-'),
                _ => {}
            },
            Event::Text(t) if in_text => line.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => line.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => line.extend(reference(&r)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(paragraphs.join("\n\n"))
}

/// `dc:title` of `docProps/core.xml`, if set.
fn title(core: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(core);
    let (mut inside, mut title) = (false, String::new());
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "title" => inside = true,
            Event::End(e) if e.local_name().as_ref() == "title" => break,
            Event::Text(t) if inside => title.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if inside => title.extend(reference(&r)),
            Event::Eof => break,
            _ => {}
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// A minimal .docx with these paragraphs (`title` in its core properties): test fixtures, and
/// the fuzz target's seed.
pub fn sample(paragraphs: &[&str], title: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let body: String = paragraphs
        .iter()
        .map(|p| {
            format!(
                "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                esc(p)
            )
        })
        .collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut add = |path: &str, content: &str| {
        zip.start_file(path, options).expect("zip entry");
        zip.write_all(content.as_bytes()).expect("zip write");
    };
    add(
        "[Content_Types].xml",
        "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
    );
    add("word/document.xml", &document);
    if let Some(t) = title {
        add(
            "docProps/core.xml",
            &format!("<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title></cp:coreProperties>", esc(t)),
        );
    }
    zip.finish().expect("zip").into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_paragraphs_in_order() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>Déclaration</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">La France soutient </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>l&apos;application</w:t></w:r>
              <w:r><w:tab/><w:t>du droit</w:t><w:br/><w:t>international &amp; la Charte</w:t><w:noBreakHyphen/><w:t>ONU.</w:t></w:r>
              <w:del><w:r><w:delText>supprimé</w:delText></w:r></w:del><w:r><w:fldChar/><w:instrText>PAGE</w:instrText></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cellule</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p/></w:body></w:document>"#;
        assert_eq!(
            paragraphs("d.docx", xml).unwrap(),
            "Déclaration\n\nLa France soutient l'application du droit international & la Charte-ONU.\n\nCellule"
        );
    }

    #[test]
    fn sample_round_trips_with_its_title() {
        let bytes = sample(&["First paragraph.", "Second & last."], Some("Statement <draft>"));
        let (text, title) = extract("s.docx", bytes).unwrap();
        assert_eq!(text, "First paragraph.\n\nSecond & last.");
        assert_eq!(title.as_deref(), Some("Statement <draft>"));
    }

    #[test]
    fn damaged_files_are_one_line_errors() {
        for (bytes, needle) in [
            (b"\xd0\xcf\x11\xe0rest".to_vec(), "Word 97-2003"),
            (b"PK\x03\x04 truncated".to_vec(), "not a zip archive"),
            (b"hello".to_vec(), "not a zip archive"),
        ] {
            let e = extract("x.docx", bytes).unwrap_err().to_string();
            assert!(e.starts_with("x.docx: ") && e.contains(needle) && !e.contains('\n'), "{e}");
        }
        let e = paragraphs("x.docx", "<w:p><w:t>a</w:x></w:p>").unwrap_err().to_string();
        assert!(e.contains("not valid XML"), "{e}");
    }
}
