//! Line and column of a JSON pointer in a document's source text, so a reviewer can jump to
//! the change. serde_yaml keeps no positions, so this reads the text again: JSON with a small
//! scanner, YAML by its block structure (indentation). Both stop at the deepest node they
//! can find: a node written inline (`{name: id, in: path}`), or one normalization produced
//! (`nullable` from a 3.1 type list), is reported at its nearest written ancestor.

use crate::change::Position;

/// Finds pointers in one source text.
pub struct Locator<'t> {
    text: &'t str,
    /// Byte offset of the start of each line, for YAML, which is read line by line. JSON is
    /// scanned by offset and its lines counted only for the nodes found: indexing GitHub's
    /// 3.7 MB spec would cost more than comparing it.
    line_starts: Vec<usize>,
    json: bool,
    lines: bool,
}

impl<'t> Locator<'t> {
    /// Tells JSON from YAML by the first character, and indexes a YAML text's lines.
    pub fn new(text: &'t str) -> Self {
        let json = text.trim_start().starts_with(['{', '[']);
        let mut line_starts = vec![0];
        if !json {
            line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        }
        Self {
            text,
            line_starts,
            json,
            lines: text.trim_end().contains('\n'),
        }
    }

    /// Whether positions mean anything: a document on one line (minified JSON) has none
    /// worth showing.
    pub fn has_lines(&self) -> bool {
        self.lines
    }

    /// The position of the node at `pointer`, or of its deepest ancestor present in the text.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        if !self.has_lines() {
            return None;
        }
        let tokens: Vec<String> = pointer.split('/').skip(1).map(generator::pointer::unescape).collect();
        let offset = if self.json {
            json::locate(self.text.as_bytes(), &tokens)
        } else {
            yaml::locate(self.text, &self.line_starts, &tokens)
        }?;
        Some(self.position(offset))
    }

    fn position(&self, offset: usize) -> Position {
        let (line, start) = if self.json {
            let before = self.text.get(..offset).unwrap_or(self.text);
            let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
            (line, before.rfind('\n').map_or(0, |i| i + 1))
        } else {
            let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
            (line, self.line_starts[line - 1])
        };
        let column = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        Position { line, column }
    }
}

mod json {
    /// Byte offset of the deepest node of `tokens` found, or `None` when the text does not
    /// start with a value.
    pub fn locate(bytes: &[u8], tokens: &[String]) -> Option<usize> {
        let mut pos = skip_ws(bytes, 0);
        if pos >= bytes.len() {
            return None;
        }
        let mut found = pos;
        for token in tokens {
            match find_child(bytes, pos, token) {
                Some((at, value)) => (found, pos) = (at, value),
                None => break,
            }
        }
        Some(found)
    }

    /// The member named `token` of the object at `pos`, or the element numbered `token` of
    /// the array at `pos`: where to report it (a member's key) and where its value starts.
    fn find_child(bytes: &[u8], pos: usize, token: &str) -> Option<(usize, usize)> {
        match bytes.get(pos)? {
            b'{' => {
                let mut at = skip_ws(bytes, pos + 1);
                while bytes.get(at) == Some(&b'"') {
                    let key_start = at;
                    let (key, after) = string(bytes, at)?;
                    at = skip_ws(bytes, after);
                    if bytes.get(at) != Some(&b':') {
                        return None;
                    }
                    at = skip_ws(bytes, at + 1);
                    if key == token {
                        return Some((key_start, at));
                    }
                    at = skip_ws(bytes, skip_value(bytes, at)?);
                    if bytes.get(at) == Some(&b',') {
                        at = skip_ws(bytes, at + 1);
                    }
                }
                None
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                let mut at = skip_ws(bytes, pos + 1);
                for _ in 0..index {
                    if bytes.get(at) == Some(&b']') {
                        return None;
                    }
                    at = skip_ws(bytes, skip_value(bytes, at)?);
                    if bytes.get(at) == Some(&b',') {
                        at = skip_ws(bytes, at + 1);
                    }
                }
                (bytes.get(at) != Some(&b']')).then_some((at, at))
            }
            _ => None,
        }
    }

    fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    }

    /// The decoded string starting at `at` (a `"`) and the offset after it.
    fn string(bytes: &[u8], at: usize) -> Option<(String, usize)> {
        let mut out = Vec::new();
        let mut i = at + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), i + 1)),
                b'\\' => {
                    let escaped = *bytes.get(i + 1)?;
                    match escaped {
                        b'u' => {
                            let hex = std::str::from_utf8(bytes.get(i + 2..i + 6)?).ok()?;
                            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            i += 6;
                            continue;
                        }
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        other => out.push(other),
                    }
                    i += 2;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        None
    }

    /// The offset just after the value starting at `at`.
    fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
        match bytes.get(at)? {
            b'"' => string_end(bytes, at),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut i = at;
                while let Some(&b) = bytes.get(i) {
                    match b {
                        b'"' => {
                            i = string_end(bytes, i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                None
            }
            _ => {
                let mut i = at;
                while bytes
                    .get(i)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    i += 1;
                }
                Some(i)
            }
        }
    }

    /// The offset after the string starting at `at`, without decoding it.
    fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
        let mut i = at + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => return Some(i + 1),
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        None
    }
}

mod yaml {
    /// A block node: its entries start on `line` at column `col` (bytes), and continue on
    /// the following lines indented exactly `col`.
    #[derive(Debug, Clone, Copy)]
    struct Block {
        line: usize,
        col: usize,
    }

    struct Lines<'t> {
        text: &'t str,
        starts: &'t [usize],
    }

    impl<'t> Lines<'t> {
        fn get(&self, line: usize) -> Option<&'t str> {
            let start = *self.starts.get(line)?;
            let end = self
                .starts
                .get(line + 1)
                .map_or(self.text.len(), |&e| e.saturating_sub(1));
            self.text.get(start..end).map(|l| l.strip_suffix('\r').unwrap_or(l))
        }

        /// Indentation of a line that holds content: `None` for blank and comment lines.
        fn indent(&self, line: usize) -> Option<usize> {
            let text = self.get(line)?;
            let trimmed = text.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                None
            } else {
                Some(text.len() - trimmed.len())
            }
        }

        /// The next line after `line` with content.
        fn next_content(&self, mut line: usize) -> Option<(usize, usize)> {
            loop {
                line += 1;
                self.get(line)?;
                if let Some(indent) = self.indent(line) {
                    return Some((line, indent));
                }
            }
        }
    }

    pub fn locate(text: &str, starts: &[usize], tokens: &[String]) -> Option<usize> {
        let lines = Lines { text, starts };
        // The root: the first line with content that is not a directive or document marker.
        let mut line = 0;
        let root = loop {
            let content = lines.get(line)?;
            if let Some(indent) = lines.indent(line)
                && !content.starts_with("---")
                && !content.starts_with('%')
            {
                break Block { line, col: indent };
            }
            line += 1;
        };
        let mut found = starts[root.line] + root.col;
        let mut node = Some(root);
        for token in tokens {
            let Some(block) = node else { break };
            let Some((offset, next)) = child(&lines, block, token) else {
                break;
            };
            found = offset;
            node = next;
        }
        Some(found)
    }

    /// The entries of a block: `(line, col)` of each, in order.
    fn entries(lines: &Lines, block: Block) -> Vec<usize> {
        let mut out = vec![block.line];
        let mut line = block.line;
        while let Some((next, indent)) = lines.next_content(line) {
            if indent < block.col {
                break;
            }
            if indent == block.col {
                out.push(next);
            }
            line = next;
        }
        out
    }

    /// The child `token` of a block (a key of a mapping, an index of a sequence): the offset
    /// of its key or dash, and its own block if its value is written on the lines below.
    fn child(lines: &Lines, block: Block, token: &str) -> Option<(usize, Option<Block>)> {
        let first = &lines.get(block.line)?[block.col..];
        if first.starts_with("- ") || first == "-" {
            let index: usize = token.parse().ok()?;
            let line = *entries(lines, block).get(index)?;
            let text = lines.get(line)?;
            let rest = text.get(block.col + 1..)?;
            let content_col = block.col + 1 + (rest.len() - rest.trim_start_matches(' ').len());
            let offset = lines.starts[line] + block.col;
            let value = &text[content_col.min(text.len())..];
            let next = if value.is_empty() || value.starts_with('#') {
                below(lines, line, block.col)
            } else if value.starts_with("- ") || key_of(value).is_some() {
                Some(Block { line, col: content_col })
            } else {
                None
            };
            return Some((offset, next));
        }
        for line in entries(lines, block) {
            let text = lines.get(line)?;
            let entry = text.get(block.col..)?;
            let Some((key, value_at)) = key_of(entry) else {
                continue;
            };
            if key != token {
                continue;
            }
            let offset = lines.starts[line] + block.col;
            let value = entry[value_at..].trim_start_matches(' ');
            let next = if value.is_empty() || value.starts_with('#') || value.starts_with('&') {
                below(lines, line, block.col)
            } else {
                None
            };
            return Some((offset, next));
        }
        None
    }

    /// The block a key's value opens on the following lines: indented deeper, or a sequence
    /// at the key's own indentation.
    fn below(lines: &Lines, line: usize, col: usize) -> Option<Block> {
        let (next, indent) = lines.next_content(line)?;
        let text = lines.get(next)?;
        if indent > col || (indent == col && text[indent..].starts_with('-')) {
            Some(Block {
                line: next,
                col: indent,
            })
        } else {
            None
        }
    }

    /// `key: value` → the key (unquoted) and the offset after the colon.
    fn key_of(entry: &str) -> Option<(String, usize)> {
        let bytes = entry.as_bytes();
        if let Some(&quote) = bytes.first().filter(|b| matches!(b, b'"' | b'\'')) {
            let close = entry[1..].find(quote as char)? + 1;
            let after = entry[close + 1..].trim_start_matches(' ');
            if !after.starts_with(':') {
                return None;
            }
            let colon = entry.len() - after.len();
            let raw = &entry[1..close];
            let key = if quote == b'\'' {
                raw.replace("''", "'")
            } else {
                raw.replace("\\\"", "\"").replace("\\\\", "\\")
            };
            return Some((key, colon + 1));
        }
        if entry.starts_with(['-', '{', '[', '#']) && !entry.starts_with("-:") {
            return None;
        }
        // A colon followed by a space or the end of the line ends a plain key.
        let mut search = 0;
        while let Some(i) = entry[search..].find(':') {
            let at = search + i;
            let after = entry.as_bytes().get(at + 1);
            if after.is_none() || after == Some(&b' ') {
                return Some((entry[..at].trim_end().to_owned(), at + 1));
            }
            search = at + 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, pointer: &str) -> Option<(usize, usize)> {
        Locator::new(text).locate(pointer).map(|p| (p.line, p.column))
    }

    #[test]
    fn yaml_block_mappings_and_sequences() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n        - {name: q, in: query}\n      responses:\n        '200':\n          description: ok\n";
        assert_eq!(at(text, "/paths/~1a~1{id}/get"), Some((4, 5)));
        assert_eq!(at(text, "/paths/~1a~1{id}/get/parameters/0/in"), Some((7, 11)));
        // Inline: the nearest written node.
        assert_eq!(at(text, "/paths/~1a~1{id}/get/parameters/1/in"), Some((8, 9)));
        assert_eq!(
            at(text, "/paths/~1a~1{id}/get/responses/200/description"),
            Some((11, 11))
        );
        // Not in the text: the deepest ancestor that is.
        assert_eq!(at(text, "/paths/~1a~1{id}/get/responses/200/nullable"), Some((10, 9)));
    }

    #[test]
    fn yaml_sequences_at_the_parent_indentation() {
        let text = "tags:\n- name: a\n- name: b\n  description: second\n";
        assert_eq!(at(text, "/tags/1/description"), Some((4, 3)));
    }

    #[test]
    fn json_pretty_and_minified() {
        let text = "{\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\"operationId\": \"x\"}\n    }\n  },\n  \"b\": [1, {\"c\": 2}]\n}\n";
        assert_eq!(at(text, "/paths/~1a/get/operationId"), Some((4, 15)));
        assert_eq!(at(text, "/b/1/c"), Some((7, 13)));
        assert_eq!(at("{\"a\": {\"b\": 1}}", "/a/b"), None, "one line: no positions");
    }
}
