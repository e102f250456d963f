//! `cargo +nightly fuzz run load`: the loader must return Ok or Err for any bytes, never panic,
//! and every problem it reports must point inside the file.

#![no_main]

use std::path::Path;

use figures_bot::{Dataset, LoadError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Dataset::from_bytes(data, Path::new("fuzz.toml")) {
        Ok(_) => {}
        Err(LoadError::Invalid(problems)) => {
            let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(!problems.is_empty());
            for p in &problems {
                assert!(p.line >= 1 && p.col >= 1 && p.line <= lines + 1, "{p}");
            }
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
});
