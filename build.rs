//! Tells the tests whether the development data (`../shared`, beside the repository) is there.
//! Without it the tests that measure on it are marked ignored, so that the test report says
//! they did not run, instead of counting them as passed. With `REQUIRE_SHARED=1` (CI) they
//! are never ignored: they run, and fail when the data is missing.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(shared_missing)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=REQUIRE_SHARED");
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let shared = std::path::Path::new(&root).join("../shared/data");
    let required = std::env::var("REQUIRE_SHARED").as_deref() == Ok("1");
    if shared.is_dir() {
        println!("cargo::rerun-if-changed=../shared/data");
    } else if !required {
        // Not watched while missing (a missing path would rerun this at every build): a
        // clone that gets ../shared later runs `touch build.rs` once.
        println!("cargo::rustc-cfg=shared_missing");
    }
}
