//! Mutation testing: variants of the seed specs (fields deleted, values swapped for other
//! types, references broken, strings replaced) go through the pipeline, which must answer
//! each with code or an `Error`, never a panic, and never an internal error (a panic inside
//! progenitor, caught and reported with its place, that the earlier stages should have
//! prevented with an error of their own).
//!
//! Deterministic: variant `i` of a run with seed `s` is always the same document.
//!
//! ```text
//! cargo test -p generator --test fuzz                     # CI: 2,000 variants, every 25th generated
//! FUZZ_VARIANTS=10000 FUZZ_GENERATE_EVERY=1 \
//!   cargo test --release -p generator --test fuzz -- --nocapture   # the full run
//! FUZZ_SEED=7 ...                                         # another sequence
//! FUZZ_DUMP=/tmp/fuzz ...                                 # keep documents that hit internal errors
//! ```
//!
//! Seed corpus: `spec/registry.yaml` (with its overlay applied) and the bad-input corpus's
//! `good.yaml`.

use std::path::Path;

use serde_json::Value;

/// xorshift64*: tiny, deterministic and good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn seeds() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let registry = generator::Source::read(&root.join("spec/registry.yaml"), "registry.yaml").expect("spec");
    let overlay = generator::Source::read(&root.join("spec/registry.overlay.yaml"), "overlay").expect("overlay");
    let mut registry_value = generator::load::load("registry.yaml", &registry.bytes)
        .expect("load")
        .value;
    generator::overlay::Overlay::parse(&generator::load::load("overlay", &overlay.bytes).expect("load"))
        .expect("overlay")
        .apply(&mut registry_value)
        .expect("apply");
    let good = std::fs::read(root.join("xtask/tests/bad-input/good.yaml")).expect("good.yaml");
    let good = generator::load::load("good.yaml", &good).expect("load").value;
    vec![("registry.yaml".into(), registry_value), ("good.yaml".into(), good)]
}

/// Every node's JSON pointer, and every `$ref` and string's.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

const STRINGS: &[&str] = &[
    "object",
    "array",
    "string",
    "integer",
    "null",
    "binary",
    "#/components/schemas/Nope",
    "other.yaml#/X",
    "#/paths",
    "{id}",
    "/",
    "",
    "application/xml",
    "multipart/form-data",
    "3.1.0",
    "2.0",
    "cookie",
    "path",
    "deepObject",
    "add",
    "Add",
    "+1",
    "type",
    "default",
];

fn random_value(rng: &mut Rng, nodes: &[Value]) -> Value {
    match rng.below(8) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(rng.below(1000) as i64 - 100),
        3 => Value::from(STRINGS[rng.below(STRINGS.len())]),
        4 => Value::Array(vec![]),
        5 => serde_json::json!({}),
        // Another node of the document: structurally plausible, often in the wrong place.
        _ => nodes[rng.below(nodes.len())].clone(),
    }
}

fn mutate(rng: &mut Rng, spec: &mut Value) {
    for _ in 0..=rng.below(3) {
        let mut all = Vec::new();
        pointers(spec, String::new(), &mut all);
        let at = all[rng.below(all.len())].clone();
        if at.is_empty() {
            continue;
        }
        let (parent_at, key) = at.rsplit_once('/').unwrap_or(("", ""));
        let key = key.replace("~1", "/").replace("~0", "~");
        let sample: Vec<Value> = (0..4)
            .filter_map(|_| spec.pointer(&all[rng.below(all.len())]).cloned())
            .collect();
        match rng.below(4) {
            // Delete the field (or list item).
            0 => match spec.pointer_mut(parent_at) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            },
            // Break a reference, or rename a key (operationIds, paths, status codes, media types).
            1 => {
                if let Some(Value::Object(map)) = spec.pointer_mut(parent_at)
                    && let Some(v) = map.remove(&key)
                {
                    let renamed = if rng.below(2) == 0 {
                        format!("{key}x")
                    } else {
                        STRINGS[rng.below(STRINGS.len())].to_owned()
                    };
                    map.insert(renamed, v);
                } else if let Some(node) = spec.pointer_mut(&at) {
                    *node = Value::from(STRINGS[rng.below(STRINGS.len())]);
                }
            }
            // Swap the value for one of another type.
            _ => {
                let value = random_value(rng, &sample);
                if let Some(node) = spec.pointer_mut(&at) {
                    *node = value;
                }
            }
        }
    }
}

#[test]
fn mutated_specs_never_panic() {
    let variants = env("FUZZ_VARIANTS", 2000);
    let generate_every = env("FUZZ_GENERATE_EVERY", 25).max(1);
    let seed = env("FUZZ_SEED", 0x005E_ED0F_C0DE);
    let seeds = seeds();
    let started = std::time::Instant::now();
    let (mut generated, mut refused, mut full_runs) = (0u64, 0u64, 0u64);
    let (mut failures, mut internal) = (Vec::new(), Vec::new());
    for i in 0..variants {
        let mut rng = Rng(seed ^ (i.wrapping_add(1)).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (name, base) = &seeds[rng.below(seeds.len())];
        let mut spec = base.clone();
        mutate(&mut rng, &mut spec);
        let bytes = serde_json::to_vec(&spec).expect("serialize");
        let full = i % generate_every == 0;
        let outcome = std::panic::catch_unwind(|| {
            // Every error must still be one line with a location, internal or not.
            let source = generator::Source::new(name.clone(), bytes.clone());
            if full {
                generator::generate(&source, None).map(|_| ())
            } else {
                // load, normalize, validate and adapt: everything before progenitor.
                generator::prepare(&source, None).and_then(|prepared| {
                    let mut value = prepared.value;
                    generator::adapt::prepare_tree(&mut value, &mut Vec::new());
                    let mut api = generator::validate::validate(name, &value)?;
                    generator::adapt::adapt(name, &mut api, &mut Vec::new())
                })
            }
        });
        full_runs += u64::from(full);
        match outcome {
            Ok(Ok(())) => generated += 1,
            Ok(Err(e)) if e.reason.contains("internal error") => {
                // FUZZ_DUMP=DIR keeps the document, to turn it into a regression case.
                if let Ok(dir) = std::env::var("FUZZ_DUMP") {
                    let _ = std::fs::write(Path::new(&dir).join(format!("variant-{i}.json")), &bytes);
                }
                internal.push(format!("variant {i}: {e}"))
            }
            Ok(Err(_)) => refused += 1,
            Err(_) => failures.push(format!("variant {i}: panicked")),
        }
    }
    for line in &internal {
        eprintln!("{line}");
    }
    eprintln!(
        "fuzz: {variants} variants (seed {seed:#x}; {full_runs} through progenitor), {generated} accepted, {refused} refused, {} internal errors, {} panics, {:.1}s",
        internal.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A caught panic is still a generator bug: the pipeline must refuse such a document
    // with its own error (normalize, validate or adapt), before progenitor sees it.
    assert!(
        internal.is_empty(),
        "{} internal errors:\n{}",
        internal.len(),
        internal.join("\n")
    );
    assert!(generated > 0 && refused > 0, "mutations should produce both outcomes");
}
