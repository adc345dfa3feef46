fn main() {
    let spec = generator::Source::read("spec/registry.yaml".as_ref(), "spec/registry.yaml").unwrap();
    let overlay = generator::Source::read("spec/registry.overlay.yaml".as_ref(), "spec/registry.overlay.yaml").unwrap();
    match generator::generate(&spec, Some(&overlay)) {
        Ok(g) => print!("{}", g.code),
        Err(e) => eprintln!("{e}"),
    }
}
