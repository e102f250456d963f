//! Helpers for integration tests; `tests/discord/main.rs` includes them by path (the benchmarks
//! include the fake Discord the same way).

// Not every helper is used by every test.
#![allow(dead_code)]

pub mod fake_discord;
