//! Reading a data file: parse the TOML, resolve every reference, check every rule, and report
//! all problems at once, each at its `file:line:col`.
//!
//! * this file: reading the bytes (regular files only) and parsing them;
//! * [`resolve`]: ids indexed and references followed into a [`Dataset`];
//! * [`rules`]: what each value must be;
//! * [`text`]: what any string may hold, and when two ids or names read alike.

mod resolve;
mod rules;
mod text;
mod wording;

pub(crate) use text::{cased_lookalike_key, code_point, lookalike_key, visible};

use resolve::Resolver;

use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::dataset::{self as ds, Dataset};
use crate::error::{LoadError, Locator, toml_problem};
use crate::model;

/// The largest figure accepted: far above any count a story needs, and small enough that sums
/// of a million of them cannot overflow.
pub const MAX_VALUE: i64 = 1_000_000_000_000;

/// Longest id accepted: ids travel as Discord choice values, which allow 100 characters.
pub const MAX_ID_LEN: usize = 100;

impl Dataset {
    /// Reads, parses and validates one data file.
    pub fn load(path: impl AsRef<Path>) -> Result<Dataset, LoadError> {
        let path = path.as_ref();
        Dataset::from_bytes(&read_data_file(path)?, path)
    }

    /// Parses and validates file contents; `path` is only used in messages.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Dataset, LoadError> {
        Dataset::from_bytes_with_checksum(bytes, path, sha256_hex(bytes))
    }

    /// Like [`Dataset::from_bytes`], for a caller that already has the bytes' SHA-256 (hex).
    pub fn from_bytes_with_checksum(bytes: &[u8], path: &Path, checksum: String) -> Result<Dataset, LoadError> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
                let locator = Locator::new(path, &valid);
                let at = e.valid_up_to();
                return Err(LoadError::Invalid(vec![
                    locator.problem(at..at, "the file is not valid UTF-8 text".into()),
                ]));
            }
        };
        let syntax_error = |e: toml::de::Error| LoadError::Invalid(vec![toml_problem(path, text, &e)]);
        // Parsed once into a tree, so that every string can be checked whatever its key.
        let tree = toml::de::DeTable::parse(text).map_err(syntax_error)?;
        let locator = Locator::new(path, text);
        let string_problems = text::check_strings(&locator, &tree);
        let file = model::File::deserialize(toml::de::Deserializer::from(tree)).map_err(syntax_error)?;
        let source = ds::Source {
            path: path.to_path_buf(),
            checksum,
            bytes: bytes.len(),
            version: 1,
        };
        let mut resolver = Resolver::new(locator);
        resolver.problems = string_problems;
        resolver.resolve(file, source)
    }
}

/// Reads a data file, which must be a regular file (symlinks are followed). A FIFO, socket or
/// device is refused without waiting on it: opening a FIFO for reading would block until a
/// writer came, stalling every later reload.
pub fn read_data_file(path: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let read_error = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking, so that opening a FIFO returns at once; regular files ignore the flag.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if !metadata.is_file() {
        return Err(LoadError::NotAFile {
            path: path.to_path_buf(),
            kind: file_kind(&metadata.file_type()),
        });
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes).map_err(read_error)?;
    Ok(bytes)
}

/// What a path that is not a regular file is, in an editor's words.
pub(crate) fn file_kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// A file's checksum as datasets keep it (`Source::checksum`): SHA-256, lowercase hex. The
/// live reloader compares files against it, so both must come from here.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
