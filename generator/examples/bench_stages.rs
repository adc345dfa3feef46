//! Where code generation spends its time: the median of each pipeline stage over several
//! runs, for the same call `bench_codegen` times (`generator::generate`, no overlay,
//! self-contained client). Use it to see which stage a speed-up must come from.
//!
//! ```text
//! cargo run --release -p generator --example bench_stages -- [RUNS] SPEC...
//! ```

use std::time::{Duration, Instant};

/// The allocator `cargo xtask codegen` runs with (see `xtask/src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use generator::error::Result;

const STAGES: [&str; 8] = [
    "prepare",
    "prepare_tree",
    "lenient",
    "validate",
    "adapt",
    "progenitor",
    "extend",
    "render",
];

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// One run of the pipeline, as `generator::generate_with` runs it, timing each stage.
fn run(source: &generator::Source) -> Result<[Duration; 8]> {
    let settings = generator::Settings::default();
    let mut times = [Duration::ZERO; 8];
    let mut clock = Instant::now();
    let mut lap = |times: &mut [Duration; 8], stage: usize| {
        times[stage] = clock.elapsed();
        clock = Instant::now();
    };
    let prepared = generator::prepare(source, None)?;
    lap(&mut times, 0);
    let name = prepared.spec.name.as_str();
    let mut warnings = prepared.warnings;
    let mut value = prepared.value;
    generator::adapt::prepare_tree(&mut value, &mut warnings);
    lap(&mut times, 1);
    std::hint::black_box(generator::lenient::read(&mut value, &mut warnings));
    lap(&mut times, 2);
    let mut api = generator::validate::validate(name, &value)?;
    lap(&mut times, 3);
    generator::adapt::adapt(name, &mut api, &mut warnings)?;
    lap(&mut times, 4);
    let tokens = generator::generate::generate(name, &api, &settings)?;
    lap(&mut times, 5);
    let file = generator::extend::extend(name, &api, tokens, &settings, None, &mut warnings)?;
    lap(&mut times, 6);
    let provenance = generator::render::Provenance {
        name: prepared.spec.name.clone(),
        sha256: prepared.spec.sha256.clone(),
    };
    std::hint::black_box(generator::render::render(&file, &provenance, None)?);
    lap(&mut times, 7);
    Ok(times)
}

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let runs = match args.first().and_then(|a| a.parse::<usize>().ok()) {
        Some(runs) => {
            args.remove(0);
            runs.max(1)
        }
        None => 5,
    };
    for path in &args {
        let source = generator::Source::read(std::path::Path::new(path), path.clone())?;
        let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); STAGES.len()];
        for _ in 0..runs {
            for (stage, time) in run(&source)?.into_iter().enumerate() {
                samples[stage].push(time);
            }
        }
        let medians: Vec<Duration> = samples.into_iter().map(median).collect();
        let total: f64 = medians.iter().map(Duration::as_secs_f64).sum();
        println!("{path} (median of {runs}; total {:.3} s)", total);
        for (stage, time) in STAGES.iter().zip(medians) {
            println!(
                "  {stage:<14} {:>8.1} ms {:>5.1}%",
                time.as_secs_f64() * 1e3,
                time.as_secs_f64() / total * 100.0
            );
        }
    }
    Ok(())
}
