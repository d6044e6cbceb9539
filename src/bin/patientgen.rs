//! The native command-line interface (DESIGN.md §3.1).

fn main() {}
