//! Code generation time: our whole pipeline against plain progenitor + prettyplease, in one
//! process, on the same spec. Plain progenitor reads the document after our normalize stage
//! (it cannot read 3.1 or the panicking constructs at all), so it is timed on the
//! normalized 3.0 tree, deserialized as part of its run, as a user of progenitor would.
//!
//! Each spec gets at least RUNS pairs of runs, and more until both sides have run for
//! [`MIN_TIME`]: on a shared machine one run of a small spec is too short to outlast the
//! noise, and the median of many is not.
//!
//! ```text
//! cargo run --release -p generator --example bench_codegen -- [RUNS] SPEC...
//! cargo run --release -p generator --example bench_codegen -- 11 spec/registry.yaml ../shared/corpus/real-world/nexus.json
//! ```

use std::time::{Duration, Instant};

/// The allocator `cargo xtask codegen` runs with (see `xtask/src/main.rs`), for both sides.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long each spec is timed for at least, both sides together.
const MIN_TIME: Duration = Duration::from_secs(6);

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let runs = match args.first().and_then(|a| a.parse::<usize>().ok()) {
        Some(runs) => {
            args.remove(0);
            runs.max(1)
        }
        None => 11,
    };
    println!("{:<40} {:>12} {:>12} {:>7}", "spec", "ours", "progenitor", "ratio");
    for path in &args {
        let source = generator::Source::read(std::path::Path::new(path), path.clone())?;
        let prepared = generator::prepare(&source, None)?;
        let mut normalized = serde_json::to_string(&prepared.value)?;
        // Where plain progenitor fails outright (multipart bodies, several media types), it
        // is timed on the document as our adapt stage hands it over, so that both sides
        // generate the same operations.
        let adapted = || -> Result<String, Box<dyn std::error::Error>> {
            let mut value = prepared.value.clone();
            generator::adapt::prepare_tree(&mut value, &mut Vec::new());
            let mut api = generator::validate::validate(path, &value)?;
            generator::adapt::adapt(path, &mut api, &mut Vec::new())?;
            generator::generate::strip_multipart_bodies(&mut api);
            Ok(serde_json::to_string(&api)?)
        };
        let plain = |normalized: &str| -> Result<(), String> {
            let normalized = normalized.to_owned();
            let api: openapiv3::OpenAPI = serde_json::from_str(&normalized).map_err(|e| e.to_string())?;
            let mut settings = progenitor::GenerationSettings::default();
            settings
                .with_interface(progenitor::InterfaceStyle::Builder)
                .with_tag(progenitor::TagStyle::Separate)
                .with_derive("PartialEq");
            let tokens = progenitor::Generator::new(&settings)
                .generate_tokens(&api)
                .map_err(|e| e.to_string())?;
            let file = syn::parse2(tokens).map_err(|e| e.to_string())?;
            std::hint::black_box(prettyplease::unparse(&file));
            Ok(())
        };
        let works = |input: &str| generator::generate::catch_quietly(|| plain(input)).is_ok_and(|r| r.is_ok());
        let mut label = path.clone();
        let mut plain_works = works(&normalized);
        if !plain_works {
            normalized = adapted()?;
            plain_works = works(&normalized);
            label.push_str(" (adapted)");
        }
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        // Interleaved, so that load from the other engineers' builds hits both alike.
        let timing = Instant::now();
        while ours.len() < runs || timing.elapsed() < MIN_TIME {
            let started = Instant::now();
            std::hint::black_box(generator::generate(&source, None)?);
            ours.push(started.elapsed());
            if plain_works {
                let started = Instant::now();
                let _ = plain(&normalized);
                theirs.push(started.elapsed());
            }
        }
        let runs_done = ours.len();
        let ours = median(ours);
        if plain_works {
            let theirs = median(theirs);
            println!(
                "{:<40} {:>10.3} s {:>10.3} s {:>6.2}x  ({} runs)",
                label,
                ours.as_secs_f64(),
                theirs.as_secs_f64(),
                ours.as_secs_f64() / theirs.as_secs_f64(),
                runs_done
            );
        } else {
            println!("{:<40} {:>10.3} s {:>12} {:>7}", path, ours.as_secs_f64(), "fails", "-");
        }
    }
    Ok(())
}
