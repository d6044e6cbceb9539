//! The Markov routing model (DOMAIN.md §5.5).
