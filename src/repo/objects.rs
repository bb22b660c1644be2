//! The object database, checked before libgit2 reads it. libgit2 spins forever on a loose
//! object whose zlib stream is cut short: `git_zstream_get_output` (under `read_loose`) calls
//! `inflate` again for as long as output is wanted, and zlib's "no input left" (`Z_BUF_ERROR`)
//! is not an error to it. And a pack that does not match its index is skipped without a word,
//! so its objects read as missing and a history as empty. One pass over the object folders
//! finds both, and the run stops (exit 2) naming the object or the pack. Other damage (data
//! that is not zlib, an unreadable file) is left to libgit2, which reports it when it reads
//! the object, naming the document or the commit that needed it.
//!
//! The pass reads every loose object, not only those the run will read: libgit2 reads commits
//! on its own (a topological revision walk reads every reachable one before the first comes
//! out), so no subset is known beforehand. Loose objects are few and small where it matters
//! (git packs them past 6,700): the README gives the cost.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use flate2::{Decompress, FlushDecompress, Status};
use rayon::prelude::*;

use super::Repo;
use crate::error::{Damage, Error};

/// How many alternates deep libgit2 follows (`GIT_ALTERNATES_MAX_DEPTH`).
const MAX_ALTERNATES_DEPTH: usize = 5;
/// SHA-1: the vendored libgit2 opens no SHA-256 repository.
const OID_LEN: usize = 20;
const HEX_LEN: usize = 2 * OID_LEN;

impl Repo {
    /// Checks the object database once per run, before the first object is read; every
    /// caller after the first gets the same answer.
    pub(crate) fn verified(&self) -> Result<(), Error> {
        self.verified
            .get_or_init(|| verify(&self.repo.commondir().join("objects")))
            .clone()
            .map_err(Error::Damaged)
    }
}

/// Checks the loose objects and packs in `objects` and in the folders it borrows from.
fn verify(objects: &Path) -> Result<(), Damage> {
    let mut folders = vec![objects.to_owned()];
    let mut level = folders.clone();
    for _ in 0..MAX_ALTERNATES_DEPTH {
        let found: Vec<PathBuf> = level.iter().flat_map(|f| alternates(f)).collect();
        level = found.into_iter().filter(|f| !folders.contains(f)).collect();
        folders.extend(level.iter().cloned());
    }
    for folder in &folders {
        check_packs(folder)?;
    }
    let mut loose: Vec<PathBuf> = folders.iter().flat_map(|f| loose_files(f)).collect();
    // The first damaged object in path order, whichever thread finds it: the same report on
    // every run.
    loose.sort_unstable();
    match loose
        .par_iter()
        .find_map_first(|file| check_loose(file).err())
    {
        Some(damage) => Err(damage),
        None => Ok(()),
    }
}

/// The object folders listed in `objects/info/alternates` (relative ones from `objects`).
fn alternates(objects: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(objects.join("info").join("alternates")) else {
        return Vec::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| objects.join(l))
        .collect()
}

/// Every loose object file: `objects/XX/` followed by the rest of the id.
fn loose_files(objects: &Path) -> Vec<PathBuf> {
    let Ok(dirs) = std::fs::read_dir(objects) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for dir in dirs.flatten() {
        let name = dir.file_name();
        let is_fanout = name
            .to_str()
            .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()));
        if !is_fanout {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(dir.path()) else {
            continue;
        };
        files.extend(
            entries
                .flatten()
                .filter(|e| {
                    e.file_name().to_str().is_some_and(|n| {
                        n.len() == HEX_LEN - 2 && n.bytes().all(|b| b.is_ascii_hexdigit())
                    })
                })
                .map(|e| e.path()),
        );
    }
    files
}

/// The object id a loose object file stands for.
fn loose_oid(file: &Path) -> String {
    let part = |p: Option<&Path>| {
        p.and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned()
    };
    format!("{}{}", part(file.parent()), part(Some(file)))
}

/// Whether libgit2 can read a loose object without spinning: its zlib stream must end
/// inside the file. What libgit2 rejects by itself (a file that cannot be read, an empty one,
/// data that is not zlib) passes here.
fn check_loose(file: &Path) -> Result<(), Damage> {
    let Ok(opened) = File::open(file) else {
        return Ok(());
    };
    let mut reader = BufReader::with_capacity(64 * 1024, opened);
    let Ok(start) = reader.fill_buf() else {
        return Ok(());
    };
    // libgit2's test for the standard format (a zlib header); anything else is the old
    // "pack-like" format: a type-and-size header in the clear (libgit2 stops at an empty or
    // cut-short one), then the zlib stream.
    let zlib_header = start.len() >= 2
        && start[0] & 0x8F == 0x08
        && (u16::from(start[0]) << 8 | u16::from(start[1])) % 31 == 0;
    if !zlib_header {
        let Some(header) = start.iter().position(|b| b & 0x80 == 0) else {
            return Ok(());
        };
        reader.consume(header + 1);
    }
    match stream_ends(&mut reader) {
        Some(false) => Err(Damage::Object {
            oid: loose_oid(file),
            file: file.to_owned(),
            problem: "its compressed data ends before the object does (the file is truncated)"
                .to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Inflates a zlib stream into a scratch buffer, only to find whether it ends before its
/// input does: `Some(true)` if it does, `Some(false)` if the input runs out first (or zlib
/// stops making progress, where libgit2 would spin too), `None` when the data is not zlib or
/// cannot be read.
fn stream_ends(reader: &mut impl BufRead) -> Option<bool> {
    let mut inflater = Decompress::new(true);
    let mut scratch = vec![0u8; 64 * 1024];
    loop {
        let input = reader.fill_buf().ok()?;
        if input.is_empty() {
            return Some(false);
        }
        let (was_in, was_out) = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress(input, &mut scratch, FlushDecompress::None)
            .ok()?;
        let used = usize::try_from(inflater.total_in() - was_in).unwrap_or(input.len());
        reader.consume(used);
        if status == Status::StreamEnd {
            return Some(true);
        }
        if used == 0 && inflater.total_out() == was_out {
            return Some(false);
        }
    }
}

/// Checks each pack in `objects/pack` against its index as libgit2 does before using it:
/// the index's shape, and the pack's header, object count and trailing checksum. Only packs
/// with both files count: libgit2 ignores the rest.
fn check_packs(objects: &Path) -> Result<(), Damage> {
    let Ok(entries) = std::fs::read_dir(objects.join("pack")) else {
        return Ok(());
    };
    let mut indexes: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    indexes.sort_unstable();
    for index in indexes {
        let pack = index.with_extension("pack");
        if !pack.is_file() {
            continue;
        }
        if let Err(problem) = pack_matches_index(&pack, &index) {
            return Err(Damage::Pack { pack, problem });
        }
    }
    Ok(())
}

fn pack_matches_index(pack: &Path, index: &Path) -> Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};

    let index = std::fs::read(index).map_err(|e| format!("its index cannot be read: {e}"))?;
    let (count, checksum) = index_facts(&index)?;
    let mut file = File::open(pack).map_err(|e| format!("it cannot be read: {e}"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("it cannot be read: {e}"))?
        .len();
    let mut header = [0u8; 12];
    let mut trailer = [0u8; OID_LEN];
    let read = (|| {
        file.read_exact(&mut header)?;
        file.seek(SeekFrom::Start(size.saturating_sub(OID_LEN as u64)))?;
        file.read_exact(&mut trailer)
    })();
    if read.is_err() || size < (header.len() + OID_LEN) as u64 {
        return Err(format!(
            "it is {size} bytes, too short to be a pack (truncated?)"
        ));
    }
    let version = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    if &header[..4] != b"PACK" || !(2..=3).contains(&version) {
        return Err("it does not start as a pack does".to_owned());
    }
    let objects = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    if objects != count || trailer[..] != *checksum {
        return Err("it does not match its index (truncated, or overwritten)".to_owned());
    }
    Ok(())
}

/// An index's object count and the checksum of the pack it describes, once the index has
/// the shape libgit2 requires of it (which otherwise skips the pack).
fn index_facts(index: &[u8]) -> Result<(u32, &[u8]), String> {
    let word = |at: usize| {
        index
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let version2 = index.starts_with(b"\xfftOc");
    if version2 && word(4) != Some(2) {
        return Err("its index has an unsupported version".to_owned());
    }
    let fanout = if version2 { 8 } else { 0 };
    let mut count = 0;
    for i in 0..256 {
        let n = word(fanout + 4 * i).ok_or("its index is cut short")?;
        if n < count {
            return Err("its index is damaged (non-monotonic)".to_owned());
        }
        count = n;
    }
    let n = u64::from(count);
    let len = index.len() as u64;
    let tail = 2 * OID_LEN as u64;
    let fits = if version2 {
        let min = 8 + 4 * 256 + n * (OID_LEN as u64 + 8) + tail;
        (min..=min + n.saturating_sub(1) * 8).contains(&len)
    } else {
        len == 4 * 256 + n * (OID_LEN as u64 + 4) + tail
    };
    if !fits {
        return Err("its index has the wrong size".to_owned());
    }
    let checksum = &index[index.len() - 2 * OID_LEN..index.len() - OID_LEN];
    Ok((count, checksum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut out = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        out.write_all(data).unwrap();
        out.finish().unwrap()
    }

    #[test]
    fn a_whole_stream_ends_and_a_cut_one_does_not() {
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let whole = zlib(&data);
        assert_eq!(stream_ends(&mut &whole[..]), Some(true));
        for cut in [0, 1, 2, whole.len() / 2, whole.len() - 1] {
            assert_eq!(stream_ends(&mut &whole[..cut]), Some(false), "{cut}");
        }
        // Not zlib: libgit2 says so itself.
        assert_eq!(stream_ends(&mut &b"not zlib at all"[..]), None);
    }

    #[test]
    fn loose_files_in_both_formats() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ab").join("c".repeat(HEX_LEN - 2));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let object = zlib(b"blob 5\0hello");
        std::fs::write(&file, &object).unwrap();
        assert_eq!(loose_files(dir.path()), std::slice::from_ref(&file));
        assert!(check_loose(&file).is_ok());
        std::fs::write(&file, &object[..object.len() - 3]).unwrap();
        let Err(Damage::Object { oid, problem, .. }) = check_loose(&file) else {
            panic!("damaged")
        };
        assert_eq!(oid, format!("ab{}", "c".repeat(HEX_LEN - 2)));
        assert!(problem.contains("truncated"), "{problem}");
        // The old format: a type and size in the clear (a blob of 5 bytes), then zlib.
        let mut packlike = vec![0x35];
        packlike.extend(zlib(b"hello"));
        std::fs::write(&file, &packlike).unwrap();
        assert!(check_loose(&file).is_ok());
        for cut in [1, packlike.len() - 2] {
            std::fs::write(&file, &packlike[..cut]).unwrap();
            assert!(check_loose(&file).is_err(), "{cut}");
        }
        // libgit2 rejects these without inflating anything.
        for rejected in [&b""[..], b"\x80", b"this is not zlib data at all"] {
            std::fs::write(&file, rejected).unwrap();
            assert!(check_loose(&file).is_ok(), "{rejected:?}");
        }
    }

    #[test]
    fn a_pack_must_match_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut builder = repo.packbuilder().unwrap();
        for i in 0..20 {
            let blob = repo.blob(format!("packed blob {i}").as_bytes()).unwrap();
            builder.insert_object(blob, None).unwrap();
        }
        let packs = dir.path().join(".git/objects/pack");
        builder.write(&packs, 0).unwrap();
        let objects = dir.path().join(".git/objects");
        assert!(check_packs(&objects).is_ok());
        let pack = std::fs::read_dir(&packs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "pack"))
            .unwrap();
        let bytes = std::fs::read(&pack).unwrap();
        let mut perms = std::fs::metadata(&pack).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&pack, perms).unwrap();
        std::fs::write(&pack, &bytes[..bytes.len() / 2]).unwrap();
        let Err(Damage::Pack {
            pack: named,
            problem,
        }) = check_packs(&objects)
        else {
            panic!("damaged")
        };
        assert_eq!(named, pack);
        assert!(problem.contains("does not match its index"), "{problem}");
    }
}
