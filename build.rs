//! The executable is linked without PIE: it then carries no dynamic relocations, so each start
//! (every CLI call, every task's supervisor) skips relocating and copying about 500 KB of
//! pointer tables. Measured in `benches/throughput.rs`; see docs/performance.md.
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
