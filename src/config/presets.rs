//! The eight shipped presets (DOMAIN.md §2.7).
