//! Data flows one way: no import cycle between the top-level modules of `src/` (the binary's
//! `cli` counts as one), nor between the files of one module.
//!
//! The check reads the sources as text. A file depends on:
//! - top-level module `m` when it names `crate::m` (in the library) or `stance::m` (in the
//!   binary: `main.rs` and `cli/`), including inside grouped imports `crate::{m::…, n::…}`;
//! - sibling file `g` of its own module when it names `super::g`, `crate::<module>::g` or
//!   `stance::<module>::g`.
//!
//! A module's `mod.rs` is its face (it declares its files and re-exports their items), so the
//! file-level check is between the other files. Test code (`#[cfg(test)]` items and `tests.rs`
//! files) is left out: tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One dependency, with where it was seen (for the failure message).
type Edges = BTreeMap<(String, String), String>;

#[test]
fn no_cycle_between_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = top_level_modules(&src);
    let mut edges = Edges::new();
    for file in rust_files(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        let Some(from) = module_of(rel) else { continue };
        let root = if from == "cli" { "stance" } else { "crate" };
        let code = without_tests(&std::fs::read_to_string(&file).unwrap());
        for (line, path) in paths_after(&code, root) {
            let to = &path[0];
            if modules.contains(to) && *to != from {
                edges.entry((from.clone(), to.clone())).or_insert_with(|| format!("src/{}:{line}", rel.display()));
            }
        }
    }
    assert_no_cycle("top-level modules", &edges);
}

#[test]
fn no_cycle_between_files_of_a_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for dir in std::fs::read_dir(&src).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let module = dir.file_name().unwrap().to_string_lossy().to_string();
        let files: BTreeSet<String> = rust_files(&dir)
            .iter()
            .filter(|f| f.parent() == Some(dir.as_path()))
            .map(|f| f.file_stem().unwrap().to_string_lossy().to_string())
            .filter(|s| s != "mod" && s != "tests")
            .collect();
        let root = if module == "cli" { "stance" } else { "crate" };
        let mut edges = Edges::new();
        for from in &files {
            let file = dir.join(format!("{from}.rs"));
            let code = without_tests(&std::fs::read_to_string(&file).unwrap());
            let mut seen = paths_after(&code, "super");
            seen.extend(
                paths_after(&code, root).into_iter().filter(|(_, p)| p[0] == module).map(|(l, p)| (l, p[1..].to_vec())),
            );
            for (line, path) in seen {
                let Some(to) = path.first() else { continue };
                if files.contains(to) && to != from {
                    edges.entry((from.clone(), to.clone())).or_insert_with(|| format!("src/{module}/{from}.rs:{line}"));
                }
            }
        }
        assert_no_cycle(&format!("files of src/{module}/"), &edges);
        checked += 1;
    }
    assert!(checked >= 5, "expected the module folders of src/, found {checked}");
}

/// The checker itself: it must see a cycle through grouped imports, `super::` and nested paths.
#[test]
fn the_checker_finds_cycles() {
    let a = "use crate::{b::X, c};\nfn f() { super::d::g(); }\n#[cfg(test)]\nmod tests { use crate::e; }\n";
    let paths: Vec<Vec<String>> = paths_after(&without_tests(a), "crate").into_iter().map(|(_, p)| p).collect();
    assert_eq!(paths, [vec!["b".to_string(), "X".into()], vec!["c".into()]]);
    let sup: Vec<Vec<String>> = paths_after(a, "super").into_iter().map(|(_, p)| p).collect();
    assert_eq!(sup, [vec!["d".to_string(), "g".into()]]);
    let mut edges = Edges::new();
    for (x, y) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        edges.insert((x.into(), y.into()), format!("{x}.rs"));
    }
    assert_eq!(cycles(&edges), [vec!["a".to_string(), "b".into(), "c".into()]]);
}

fn assert_no_cycle(what: &str, edges: &Edges) {
    let found = cycles(edges);
    let explain: Vec<String> = found
        .iter()
        .map(|scc| {
            let inside: Vec<String> = edges
                .iter()
                .filter(|((a, b), _)| scc.contains(a) && scc.contains(b))
                .map(|((a, b), at)| format!("{a} -> {b} ({at})"))
                .collect();
            format!("cycle among {{{}}}: {}", scc.join(", "), inside.join("; "))
        })
        .collect();
    assert!(found.is_empty(), "import cycle between {what}:\n{}", explain.join("\n"));
}

/// Strongly connected components with more than one node (Tarjan), each sorted.
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let nodes: Vec<&String> = nodes.into_iter().collect();
    let index_of = |n: &String| nodes.iter().position(|m| *m == n).unwrap();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (a, b) in edges.keys() {
        next[index_of(a)].push(index_of(b));
    }
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        counter: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(v: usize, next: &[Vec<usize>], s: &mut State) {
        s.index[v] = Some(s.counter);
        s.low[v] = s.counter;
        s.counter += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &next[v] {
            match s.index[w] {
                None => {
                    visit(w, next, s);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut scc = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                s.out.push(scc);
            }
        }
    }
    let n = nodes.len();
    let mut s = State {
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        counter: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(v, &next, &mut s);
        }
    }
    let mut out: Vec<Vec<String>> = s
        .out
        .into_iter()
        .map(|scc| {
            let mut names: Vec<String> = scc.into_iter().map(|i| nodes[i].clone()).collect();
            names.sort();
            names
        })
        .collect();
    out.sort();
    out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `compare` for `compare/x.rs` or `compare.rs`; `cli` for `main.rs`; None for `lib.rs` and tests.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_string_lossy().to_string();
    if rel.file_stem().is_some_and(|s| s == "tests") {
        return None;
    }
    match first.as_str() {
        "lib.rs" => None,
        "main.rs" => Some("cli".into()),
        f => Some(f.trim_end_matches(".rs").to_string()),
    }
}

fn top_level_modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .filter_map(|e| module_of(Path::new(&e.unwrap().file_name())))
        .filter(|m| m != "cli" || src.join("cli").is_dir())
        .collect()
}

/// The code without comments and without `#[cfg(test)]` items (their `{ … }` block or `;`).
fn without_tests(code: &str) -> String {
    let code: String = code.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let mut out = String::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let brace = after.find('{');
        let semi = after.find(';');
        let skip = match (brace, semi) {
            (Some(b), s) if s.is_none_or(|s| b < s) => {
                let mut depth = 0;
                let mut end = after.len();
                for (i, c) in after[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (_, Some(s)) => s + 1,
            _ => after.len(),
        };
        // Keep the line count so that reported line numbers stay right.
        out.extend(after[..skip].chars().filter(|&c| c == '\n'));
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// Every path that starts with `root::` (the segments after it, with the 1-based line), grouped
/// imports `root::{a::b, c}` expanded to `a::b` and `c`. `super::*` is left out.
fn paths_after(code: &str, root: &str) -> Vec<(usize, Vec<String>)> {
    let needle = format!("{root}::");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find(&needle) {
        let at = from + found;
        from = at + needle.len();
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let line = code[..at].matches('\n').count() + 1;
        for path in expand(&code[from..]) {
            if !path.is_empty() && path[0] != "*" {
                out.push((line, path));
            }
        }
    }
    out
}

/// The paths at the start of `s`: `a::b::c` gives one; `{a::b, c::{d, e}}` gives `a::b`, `c::d`,
/// `c::e`.
fn expand(s: &str) -> Vec<Vec<String>> {
    let s = s.trim_start();
    if let Some(inner) = s.strip_prefix('{') {
        let mut depth = 0;
        let mut items = Vec::new();
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(&inner[start..i]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return items.into_iter().flat_map(expand).filter(|p| !p.is_empty()).collect();
    }
    let ident: String = s.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '*').collect();
    if ident.is_empty() {
        return vec![Vec::new()];
    }
    let rest = &s[ident.len()..];
    match rest.strip_prefix("::") {
        Some(tail) => expand(tail)
            .into_iter()
            .map(|mut p| {
                p.insert(0, ident.clone());
                p
            })
            .collect(),
        None => vec![vec![ident]],
    }
}
