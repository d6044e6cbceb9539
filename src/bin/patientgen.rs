//! The native command-line interface (docs/ARCHITECTURE.md#the-hosts).
//!
//! Exit codes: 0 ok, 1 invalid input (the message names the JSON path), 2 I/O error. Data goes to
//! `-o FILE` or stdout; progress and run information go to stderr.

#[cfg(not(target_arch = "wasm32"))]
#[path = "patientgen/cli.rs"]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main());
}

#[cfg(target_arch = "wasm32")]
fn main() {}
