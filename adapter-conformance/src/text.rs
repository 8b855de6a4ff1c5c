//! The notation feature files use for strings that plain Gherkin cannot show:
//! one or more JSON string literals (`"a\u0000b"`), each optionally repeated
//! (`"x" x 513`), joined with ` + ` (`"a" x 299 + "1"`).

/// The regex of one such text argument, capturing it as one group.
pub(crate) const TEXT: &str =
    r#"("(?:[^"\\]|\\.)*"(?: x \d+)?(?: \+ "(?:[^"\\]|\\.)*"(?: x \d+)?)*)"#;

/// Decodes a text argument matched by [`TEXT`].
///
/// Panics (failing the step) on malformed notation: that is a bug in the feature file.
pub(crate) fn decode(notation: &str) -> String {
    let mut out = String::new();
    let mut rest = notation;
    loop {
        let literal_len = literal_length(rest)
            .unwrap_or_else(|| panic!("not a JSON string literal: {rest:?} in {notation:?}"));
        let piece: String = serde_json::from_str(&rest[..literal_len])
            .unwrap_or_else(|err| panic!("bad JSON string {:?}: {err}", &rest[..literal_len]));
        rest = &rest[literal_len..];
        let mut times = 1;
        if let Some(after) = rest.strip_prefix(" x ") {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            times = after[..digits]
                .parse()
                .unwrap_or_else(|err| panic!("bad repeat count in {notation:?}: {err}"));
            rest = &after[digits..];
        }
        out.push_str(&piece.repeat(times));
        match rest.strip_prefix(" + ") {
            Some(next) => rest = next,
            None if rest.is_empty() => return out,
            None => panic!("unexpected {rest:?} in {notation:?}"),
        }
    }
}

/// Decodes a JSON array of strings, e.g. `["at1", "at2"]` or `[]`.
pub(crate) fn decode_list(json: &str) -> Vec<String> {
    serde_json::from_str(json)
        .unwrap_or_else(|err| panic!("not a JSON array of strings: {json:?}: {err}"))
}

/// The byte length of the JSON string literal `text` starts with.
fn literal_length(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut index = 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'"' => return Some(index + 1),
            _ => index += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_literals_repeats_and_joins() {
        assert_eq!(decode(r#""u1""#), "u1");
        assert_eq!(decode(r#""""#), "");
        assert_eq!(decode(r#""a\u0000b""#), "a\0b");
        assert_eq!(decode(r#""x" x 3"#), "xxx");
        assert_eq!(decode(r#""a" x 2 + "\"b\"""#), "aa\"b\"");
        assert_eq!(decode(r#""🦀" x 128"#).len(), 512);
    }

    #[test]
    fn the_regex_matches_the_whole_notation() {
        let regex = regex_lite(&format!("^{TEXT}$"));
        assert!(regex(r#""a" x 299 + "1""#));
        assert!(regex(r#""say \"hi\"""#));
        assert!(!regex(r#""a" "b""#));
    }

    fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool {
        let regex = cucumber::codegen::Regex::new(pattern).expect("valid regex");
        move |text| regex.is_match(text)
    }

    #[test]
    fn decodes_lists() {
        assert_eq!(decode_list(r#"["a", "b"]"#), vec!["a", "b"]);
        assert!(decode_list("[]").is_empty());
    }
}
