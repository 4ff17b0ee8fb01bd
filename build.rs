//! On Linux the executable is linked without PIE: it then carries no dynamic relocations, so
//! each start (every CLI call, every supervisor started without the zygote) skips relocating
//! and copying about 500 KB of pointer tables. Measured in `benches/throughput.rs`; see the
//! docs/benchmarks.md.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
