//! RFC 8785 (JCS) serialisation of the resolved configuration (DOMAIN.md §2.6).

use super::Resolved;

/// The canonical JSON text of `r`.
pub fn canonical_json(r: &Resolved) -> String {
    let _ = r;
    String::new()
}
