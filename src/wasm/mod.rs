//! JavaScript bindings (DESIGN.md §3.2); compiled only for `wasm32`.
