//! Median time to render one dashboard frame with 1,000 tasks into a 160×48 test backend.
//! Run with `cargo bench --bench render`.

fn main() {
    let median = smart_agents::tui::bench_render(1_000, 501);
    println!("render 1000 tasks, 160x48: median {median:?} per frame");
}
