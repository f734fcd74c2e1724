//! Just enough of Python's repr syntax to list the items of a set, list, tuple or dict:
//! `{<a>, <b>}`, `[1, 2]`, `(140, environ({'A': '1'}), {...})`, `set()`, `WeakSet({...})`.

/// Where the top-level commas of `inner` split it (quotes and brackets respected).
fn split_top_level(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (pos, ch) in inner.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == q {
                quote = None;
            }
            continue;
        }
        match ch {
            '\'' | '"' => quote = Some(ch),
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth = (depth - 1).max(0),
            ',' if depth == 0 => {
                parts.push(inner[start..pos].trim());
                start = pos + 1;
            }
            _ => {}
        }
    }
    let last = inner[start..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

/// The inside of a container repr, or `None` for a scalar. Wrappers such as `environ({…})`,
/// `WeakSet({…})`, `deque([…])`, `set()` are seen through.
fn container_inside(value: &str) -> Option<&str> {
    let v = value.trim();
    let name_len = v
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(v.len());
    if name_len > 0 && v[name_len..].starts_with('(') && v.ends_with(')') {
        let inner = v[name_len + 1..v.len() - 1].trim();
        if inner.is_empty() {
            return Some("");
        }
        if inner.starts_with(['{', '[', '(']) {
            return container_inside(inner);
        }
        return None;
    }
    let pairs = [('{', '}'), ('[', ']'), ('(', ')')];
    pairs
        .iter()
        .find(|(o, c)| v.starts_with(*o) && v.ends_with(*c) && v.len() >= 2)
        .map(|_| &v[1..v.len() - 1])
}

/// Is the top-level item a `key: value` dict entry? Returns the key.
pub fn dict_key(item: &str) -> Option<&str> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for (pos, ch) in item.char_indices() {
        if let Some(q) = quote {
            if ch == q {
                quote = None;
            }
            continue;
        }
        match ch {
            '\'' | '"' => quote = Some(ch),
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ':' if depth == 0 && item[pos + 1..].starts_with(' ') => {
                return Some(item[..pos].trim());
            }
            _ => {}
        }
    }
    None
}

/// The leaf items of a repr: containers are opened recursively (a dict entry is a leaf),
/// a scalar is one leaf of its own.
pub fn leaves(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    collect(value, &mut out, 0);
    out
}

fn collect<'a>(value: &'a str, out: &mut Vec<&'a str>, depth: usize) {
    // a bound on nesting keeps adversarial input from recursing deeply
    match container_inside(value) {
        Some(inner) if depth < 8 => {
            for part in split_top_level(inner) {
                if dict_key(part).is_some() {
                    out.push(part);
                } else {
                    collect(part, out, depth + 1);
                }
            }
        }
        _ => {
            let v = value.trim();
            if !v.is_empty() {
                out.push(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_lists_and_empties() {
        assert_eq!(leaves("set()"), Vec::<&str>::new());
        assert_eq!(leaves("[]"), Vec::<&str>::new());
        assert_eq!(leaves("{<a, b>, <c>}"), vec!["<a, b>", "<c>"]);
        assert_eq!(leaves("[1, 'x, y', 3]"), vec!["1", "'x, y'", "3"]);
        assert_eq!(
            leaves("WeakSet({<weakref at 0x1; to 'X' at 0x2>})"),
            vec!["<weakref at 0x1; to 'X' at 0x2>"]
        );
    }

    #[test]
    fn os_environ_tuple_gives_dict_entries() {
        let v = "(140, environ({'A': '1', 'B': '2'}), {'A': '1', 'B': '2'})";
        assert_eq!(
            leaves(v),
            vec!["140", "'A': '1'", "'B': '2'", "'A': '1'", "'B': '2'"]
        );
        assert_eq!(dict_key("'A': '1'"), Some("'A'"));
        assert_eq!(dict_key("<a: b>"), None);
    }

    #[test]
    fn scalars_and_garbage() {
        assert_eq!(leaves("'/tmp/x'"), vec!["'/tmp/x'"]);
        assert_eq!(leaves("<function f at 0x1>"), vec!["<function f at 0x1>"]);
        assert_eq!(leaves("{{{{{{{{{{{{{{{{{{{{x}}}}}}}}}}}}}}}}}}}}").len(), 1);
        assert_eq!(leaves("{'unclosed"), vec!["{'unclosed"]);
        assert_eq!(leaves(")("), vec![")("]);
    }
}
