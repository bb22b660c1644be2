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
//! out), so no subset is known beforehand. With a cache folder, the objects that checked out
//! are remembered there by their stat data (as git's index remembers files), and a later run
//! inflates only those it has not seen: git lets 6,700 accumulate before it packs them.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use flate2::{Decompress, FlushDecompress, Status};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Repo;
use crate::error::{Damage, Error};
use crate::fs::Stat;

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
            .get_or_init(|| {
                let mut notices = Vec::new();
                let objects = self.repo.commondir().join("objects");
                let remembered = self
                    .checked_loose
                    .as_ref()
                    .map(|c| (c, std::time::SystemTime::now()));
                let verdict = verify(&objects, remembered, &mut notices);
                self.notices
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(notices);
                verdict
            })
            .clone()
            .map_err(Error::Damaged)
    }
}

/// The file in the cache folder that remembers which loose object files checked out, by
/// their stat data. Like the other caches, one that cannot be used costs the inflating and a
/// notice, never an error and never a different answer.
pub(crate) struct CheckedLoose {
    dir: PathBuf,
    rel: PathBuf,
}

/// The folder below the cache folder that holds one file per repository.
const LOOSE: &str = "loose";
/// What the file starts with, before the checksum of the rest.
const MAGIC: &[u8; 8] = b"dsloose\n";
/// The file format; a file of another is not read (and is replaced).
const FORMAT: u32 = 1;
/// The largest file read: 6,700 loose objects take about 400 KB.
const MAX_SIZE: u64 = 64 * 1024 * 1024;
/// A file changed this recently is not remembered: it could change again within the same
/// timestamp, and its stat data would not tell (git's "racy" files).
const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// What is remembered of one object file that checked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    mtime: (i64, u32),
    ctime: (i64, u32),
    ino: u64,
}

impl From<&Stat> for Stamp {
    fn from(stat: &Stat) -> Stamp {
        Stamp {
            size: stat.size,
            mtime: stat.mtime,
            ctime: stat.ctime,
            ino: stat.ino,
        }
    }
}

/// The file, after [`MAGIC`] and the checksum: the object files by path (as the platform
/// encodes it), sorted.
#[derive(Serialize, Deserialize)]
struct CheckedFile {
    format: u32,
    docsteward: String,
    files: Vec<(Vec<u8>, Stamp)>,
}

impl CheckedLoose {
    pub(crate) fn new(dir: &Path, stem: &str) -> CheckedLoose {
        CheckedLoose {
            dir: std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned()),
            rel: Path::new(LOOSE).join(format!("{stem}.bin")),
        }
    }

    fn problem(&self, what: &str) -> String {
        format!(
            "loose-object cache {} {what}",
            self.dir.join(&self.rel).display()
        )
    }

    /// What the file remembers (nothing when it is absent, of another version, or cannot
    /// be used, which `notices` says).
    fn load(&self, notices: &mut Vec<String>) -> Vec<(Vec<u8>, Stamp)> {
        let bytes = match crate::fs::inside(&self.dir, &self.rel)
            .and_then(|path| crate::fs::read_regular(&path, MAX_SIZE))
        {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                notices.push(self.problem(&format!("not used ({e})")));
                return Vec::new();
            }
        };
        match crate::fs::framed_body(&bytes, MAGIC)
            .ok_or_else(|| "its checksum does not match".to_owned())
            .and_then(|body| postcard::from_bytes::<CheckedFile>(body).map_err(|e| e.to_string()))
        {
            Ok(file) if file.format == FORMAT && file.docsteward == env!("DOCSTEWARD_VERSION") => {
                file.files
            }
            Ok(_) => Vec::new(),
            Err(problem) => {
                notices.push(self.problem(&format!("not used (not such a cache: {problem})")));
                Vec::new()
            }
        }
    }

    fn save(&self, files: Vec<(Vec<u8>, Stamp)>, notices: &mut Vec<String>) {
        let file = CheckedFile {
            format: FORMAT,
            docsteward: env!("DOCSTEWARD_VERSION").to_owned(),
            files,
        };
        let written = postcard::to_allocvec(&file)
            .map_err(|e| e.to_string())
            .and_then(|body| crate::fs::write_framed(&self.dir, &self.rel, MAGIC, &body));
        if let Err(problem) = written {
            notices.push(self.problem(&format!("not written: {problem}")));
        }
    }
}

/// Checks the loose objects and packs in `objects` and in the folders it borrows from; with
/// `checked` (and the time it is now), only the loose objects it does not remember as they
/// are now.
fn verify(
    objects: &Path,
    checked: Option<(&CheckedLoose, std::time::SystemTime)>,
    notices: &mut Vec<String>,
) -> Result<(), Damage> {
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
    // Each file, with what the cache knows it by (when there is a cache): its folder's place
    // in the list and its name there.
    let keyed = checked.is_some();
    let mut loose: Vec<(PathBuf, Vec<u8>)> = folders
        .iter()
        .enumerate()
        .flat_map(|(i, folder)| {
            loose_files(folder).into_iter().map(move |file| {
                let mut key = Vec::new();
                if keyed {
                    key.extend_from_slice(i.to_string().as_bytes());
                    if let Ok(rel) = file.strip_prefix(folder) {
                        key.push(b'/');
                        key.extend_from_slice(rel.as_os_str().as_encoded_bytes());
                    }
                }
                (file, key)
            })
        })
        .collect();
    // The first damaged object in path order, whichever thread finds it: the same report on
    // every run.
    loose.sort_unstable();
    let Some((checked, now)) = checked else {
        return match loose
            .par_iter()
            .find_map_first(|(file, _)| check_loose(file).err())
        {
            Some(damage) => Err(damage),
            None => Ok(()),
        };
    };
    let known: HashMap<Vec<u8>, Stamp> = checked.load(notices).into_iter().collect();
    let settled = now.checked_sub(SETTLE).unwrap_or(std::time::UNIX_EPOCH);
    // Each file's stat data, and whether it is remembered as it is now.
    let stamped: Vec<(Option<Stat>, bool)> = loose
        .par_iter()
        .map(|(file, key)| {
            let stat = std::fs::symlink_metadata(file).ok().map(|m| Stat::from(&m));
            let remembered = stat.is_some_and(|s| known.get(key) == Some(&Stamp::from(&s)));
            (stat, remembered)
        })
        .collect();
    if let Some(damage) = loose
        .par_iter()
        .zip(&stamped)
        .filter(|(_, (_, remembered))| !remembered)
        .find_map_first(|((file, _), _)| check_loose(file).err())
    {
        return Err(damage);
    }
    // What to remember: the files that checked out, except those changed too recently.
    let settled = |s: &Stat| s.changed().is_some_and(|t| t < settled);
    let remember: Vec<(Vec<u8>, Stamp)> = loose
        .into_iter()
        .zip(stamped)
        .filter_map(|((_, key), (stat, _))| Some((key, Stamp::from(&stat.filter(settled)?))))
        .collect();
    let same = remember.len() == known.len()
        && remember
            .iter()
            .all(|(key, stamp)| known.get(key) == Some(stamp));
    if !same {
        checked.save(remember, notices);
    }
    Ok(())
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
    fn remembered_objects_are_not_inflated_again_and_changed_ones_are() {
        use std::time::{Duration, SystemTime};

        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let ids: Vec<git2::Oid> = (0..30)
            .map(|i| {
                let text = format!("blob {i} {}", "words ".repeat(i * 50));
                repo.blob(text.as_bytes()).unwrap()
            })
            .collect();
        let objects = dir.path().join(".git/objects");
        let file = |id: git2::Oid| {
            let hex = id.to_string();
            let rel = Path::new(&hex[..2]).join(&hex[2..]);
            (
                objects.join(&rel),
                format!("0/{}", rel.display()).into_bytes(),
            )
        };
        let cache = tempfile::tempdir().unwrap();
        let checked = CheckedLoose::new(cache.path(), "repo");
        let later = SystemTime::now() + Duration::from_secs(60);
        let mut notices = Vec::new();
        // Just written: checked, but not remembered, as they could change unseen.
        assert!(verify(&objects, Some((&checked, SystemTime::now())), &mut notices).is_ok());
        assert!(checked.load(&mut notices).is_empty());
        // Settled: every one remembered.
        assert!(verify(&objects, Some((&checked, later)), &mut notices).is_ok());
        let remembered = checked.load(&mut notices);
        assert_eq!(remembered.len(), ids.len());
        assert!(remembered.iter().any(|(key, _)| *key == file(ids[20]).1));

        // A remembered object cut short: its stat data changed, so it is checked again.
        let (victim, key) = file(ids[20]);
        let mut perms = std::fs::metadata(&victim).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&victim, perms).unwrap();
        let bytes = std::fs::read(&victim).unwrap();
        std::fs::write(&victim, &bytes[..bytes.len() / 2]).unwrap();
        let Err(Damage::Object { oid, .. }) =
            verify(&objects, Some((&checked, later)), &mut notices)
        else {
            panic!("the damaged object passed")
        };
        assert_eq!(oid, ids[20].to_string());

        // What the cache remembers as it is now is not read again: a damaged file that it
        // claims (only a hand-written cache can: damage in place changes the stat data)
        // passes, and passes nowhere else.
        let mut remembered = checked.load(&mut notices);
        remembered.retain(|(k, _)| *k != key);
        let stat = Stat::from(&std::fs::symlink_metadata(&victim).unwrap());
        remembered.push((key, Stamp::from(&stat)));
        remembered.sort();
        checked.save(remembered, &mut notices);
        assert!(verify(&objects, Some((&checked, later)), &mut notices).is_ok());
        assert!(verify(&objects, None, &mut notices).is_err());
        assert_eq!(notices, Vec::<String>::new());

        // A file that is not such a cache: said, and every object is checked.
        std::fs::write(cache.path().join(&checked.rel), b"not a cache").unwrap();
        assert!(verify(&objects, Some((&checked, later)), &mut notices).is_err());
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].contains("not used"), "{notices:?}");
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
