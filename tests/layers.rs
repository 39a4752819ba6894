//! The layers of src/ point one way. Every `crate::` path in src/**/*.rs is
//! an edge from the file's top-level module to the module it names; this
//! test fails on an edge that goes up the declared order, on a cycle among
//! top-level modules, and on a top-level module no layer declares.
//!
//! The order, bottom first (a module may use its own layer and those below):
//! 1. `config`, `rng`, `metrics`: the shared vocabulary;
//! 2. `trainer`, `detectors`: the learners and the checks on their metrics;
//! 3. `scenarios`, `monitor`, `diagnosis`, `pipeline`: faults acting on a learner, the
//!    detectors run over a stream, findings ranked into a diagnosis, the
//!    automatic response to findings;
//! 4. `run`, `settings`: a learner, its faults, its monitor and its pipeline,
//!    stepped; the settings table over the run config;
//! 5. `eval`, `import`, `plots`: the suite over runs, logs read into runs,
//!    the charts;
//! 6. `wasm`, `cli`: the browser and the command line.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

const LAYERS: &[&[&str]] = &[
    &["config", "rng", "metrics"],
    &["trainer", "detectors"],
    &["scenarios", "monitor", "diagnosis", "pipeline"],
    &["run", "settings"],
    &["presets"],
    &["eval", "import", "plots"],
    &["wasm", "cli"],
];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The identifier at the start of `s`.
fn ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The top-level modules named by `crate::` paths in `source` (comments
/// left out), including each name of a `crate::{a, b::c}` group.
fn named_modules(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `failure_crate::`, `$crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut start) = (0usize, 0usize);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.insert(ident(&group[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(&group[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

/// The module graph of src/: top-level module -> modules it names.
fn src_graph() -> Graph {
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let top_of = |file: &Path| {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        first.trim_end_matches(".rs").to_string()
    };
    // A `#[macro_export]` macro sits at the crate's root (`crate::name`):
    // its uses are edges to the module that defines it.
    let mut macros = BTreeMap::new();
    for file in &files {
        let source = fs::read_to_string(file).unwrap();
        let mut exported = false;
        for line in source.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("macro_rules!").filter(|_| exported) {
                macros.insert(ident(rest.trim()), top_of(file));
            }
            exported = line == "#[macro_export]";
        }
    }
    let mut graph = Graph::new();
    for file in &files {
        let top = top_of(file);
        if top == "lib" || top == "main" {
            continue;
        }
        let named = named_modules(&fs::read_to_string(file).unwrap());
        let edges = graph.entry(top.clone()).or_default();
        edges.extend(
            named
                .into_iter()
                .map(|m| macros.get(&m).cloned().unwrap_or(m))
                .filter(|m| *m != top),
        );
    }
    graph
}

/// Everything wrong with `graph` under `layers`.
fn violations(graph: &Graph, layers: &[&[&str]]) -> Vec<String> {
    let layer = |m: &str| layers.iter().position(|l| l.contains(&m));
    let mut out = Vec::new();
    for (from, tos) in graph {
        let Some(lf) = layer(from) else {
            out.push(format!("module {from} is in no layer: add it to LAYERS"));
            continue;
        };
        for to in tos {
            match layer(to) {
                None => out.push(format!("{from} uses {to}, which is in no layer")),
                Some(lt) if lt > lf => out.push(format!(
                    "{from} (layer {}) uses {to} (layer {}): an import up the layers",
                    lf + 1,
                    lt + 1
                )),
                Some(_) => {}
            }
        }
    }
    for cycle in cycles(graph) {
        out.push(format!("module cycle: {}", cycle.join(" -> ")));
    }
    out
}

/// One cycle through each strongly connected set of two or more modules.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let reaches = |from: &str, to: &str| -> Option<Vec<String>> {
        // Breadth-first, keeping each module's predecessor.
        let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(m) = queue.pop_front() {
            for next in graph.get(m).into_iter().flatten() {
                if next == to {
                    let mut path = vec![to.to_string(), m.to_string()];
                    let mut at = m;
                    while at != from {
                        at = prev[at];
                        path.push(at.to_string());
                    }
                    path.reverse();
                    return Some(path);
                }
                if next != from && !prev.contains_key(next.as_str()) {
                    prev.insert(next, m);
                    queue.push_back(next);
                }
            }
        }
        None
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in graph.keys() {
        if seen.contains(m) {
            continue;
        }
        if let Some(cycle) = reaches(m, m) {
            seen.extend(cycle.iter().cloned());
            out.push(cycle);
        }
    }
    out
}

#[test]
fn src_layers_point_one_way_without_cycles() {
    let graph = src_graph();
    assert!(graph.contains_key("run") && graph.contains_key("trainer"));
    let problems = violations(&graph, LAYERS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_finds_upward_imports_cycles_and_unplaced_modules() {
    let graph = |edges: &[(&str, &str)]| -> Graph {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let layers: &[&[&str]] = &[&["low", "low2"], &["mid"], &["top"]];
    assert!(violations(
        &graph(&[("top", "mid"), ("mid", "low"), ("low2", "low")]),
        layers
    )
    .is_empty());
    let up = violations(&graph(&[("mid", "top")]), layers);
    assert_eq!(up.len(), 1, "{up:?}");
    assert!(up[0].contains("mid (layer 2) uses top (layer 3)"), "{up:?}");
    let cycle = violations(&graph(&[("low", "low2"), ("low2", "low")]), layers);
    assert_eq!(cycle, ["module cycle: low -> low2 -> low"]);
    let long = cycles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]));
    assert_eq!(long, [["a", "b", "c", "a"]]);
    let unplaced = violations(&graph(&[("top", "new")]), layers);
    assert_eq!(unplaced.len(), 2, "{unplaced:?}");
}

#[test]
fn paths_are_read_from_uses_groups_and_expressions_but_not_comments() {
    let src = "use crate::a::X;\nuse crate::{b, c::{D, E}};\n// crate::f\n/// [`crate::g`]\n\
               fn h() { crate::i::j(); $crate::k::l(); }";
    let names: Vec<String> = named_modules(src).into_iter().collect();
    assert_eq!(names, ["a", "b", "c", "i"]);
}
