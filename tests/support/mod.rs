//! Helpers shared by integration tests: `mod support;` in a test file.

// Each test binary uses a different subset of the helpers.
#![allow(dead_code)]

pub mod fake_discord;
