//! The classic sequential evacuation-chain model (DOMAIN.md §5.2).
