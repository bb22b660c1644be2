//! Generates a deterministic synthetic knowledge base, as a git repository, for the benchmark
//! (`bench/run.sh`):
//!
//! ```sh
//! cargo run --release --example gen_kb -- --seed 1 --docs 10000 --links-per-doc 10 --commits 20000 OUT_DIR
//! ```
//!
//! The repository is shaped like the seeds: glossary terms with `relatedTerms`, articles with
//! headings (duplicates included), links to terms, to other articles' anchors, to images and to
//! external sites, and footnotes; slide decks with `---` separators, `::: tip` containers and
//! images. A small, deterministic number of defects (about 0.5% of links broken, a few unknown
//! related terms, a few images without alt text) gives the check something to report.
//!
//! History: exactly `--commits` commits with pinned, increasing dates from 2021-01-01, most
//! editing one to three documents; every 50 commits a side branch of two to five commits merged
//! back with a real merge commit; every 200 commits a pure rename of an article (same blob, new
//! folder) with the links to it updated in the same commit. Objects are written to an in-memory
//! object database (trees are serialised here, only the folders a commit changed), then to disk
//! as one pack, and the work tree is checked out once at the end. No `git` subprocess.
//!
//! `--realistic` (off by default; without it the corpus is byte for byte what it was) shapes the
//! repository like real documentation repositories that have no docsteward configuration yet:
//! no `docsteward*.toml` nor `schemas/`; articles' front matter gains `keywords:` (left empty,
//! i.e. null, on about a third, a string on the rest), `content_owner:` (a person, on about
//! 90%), `ms.date:` (the last review day as MM/DD/YYYY, on about 90%: set when the article is
//! created and by half of the later edits) and `ms.update-cycle: 180-days` or `365-days` (on
//! about 85%); about one regular commit in ten is `github-actions[bot]` reformatting one to
//! three documents (bullets `-` to `*` and back, no new revision, no new review date); half of
//! the commits of the first author are made under one of two aliases, which a `.mailmap` folds
//! back; `.github/CODEOWNERS` names owners for a few patterns (the last match wins): the
//! glossary and one topic folder, not the decks nor the other articles. The topic folders of
//! articles all keep one template. Its numbers come from a generator of their own, so the
//! plain corpus's stream is untouched.
//!
//! `--vault` (off by default; without it the corpus is byte for byte what it was) writes the
//! same knowledge base as an Obsidian vault: links to notes by name, `[[term-0001]]`, every
//! other one with display text, `[[article-0001#Key ideas|text]]` (anchors become heading
//! text), images as embeds, `![[img-001.png]]`, the broken links as `[[retired-123]]` and
//! `[[term-0001#Section that was removed]]`; external links stay Markdown links. Its
//! configurations add `[site] generator = "obsidian"`, and `.obsidian/app.json` marks the
//! vault. The same numbers are drawn, so documents, links, defects and history keep their
//! shape; a rename then rewrites no linking note, since a link by name survives a move.
//!
//! Everything depends on `--seed`, the sizes, `--realistic` and `--vault` only: no clock, no
//! `rand` crate.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use git2::{ObjectType, Odb, Oid, Repository, RepositoryInitOptions, Signature, Time};

#[derive(Debug, Parser)]
#[command(
    about = "Generate a deterministic synthetic Markdown knowledge base as a git repository."
)]
struct Args {
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Documents in the final tree.
    #[arg(long, default_value_t = 10_000)]
    docs: usize,
    /// Average links per document (internal, images and external).
    #[arg(long, default_value_t = 10)]
    links_per_doc: usize,
    /// Commits in the history, merges included.
    #[arg(long, default_value_t = 20_000)]
    commits: usize,
    /// Replace OUT_DIR if it exists.
    #[arg(long)]
    force: bool,
    /// Shape the corpus like real documentation repositories before docsteward: review dates
    /// in MM/DD/YYYY, empty keys, owners, review cycles, a bot's reformatting commits,
    /// CODEOWNERS and a .mailmap, and no docsteward configuration.
    #[arg(long)]
    realistic: bool,
    /// Write links the way an Obsidian vault does: `[[Note]]`, `[[Note#Heading|text]]`,
    /// `![[image.png]]`, with a `.obsidian/` folder and `[site] generator = "obsidian"`.
    #[arg(long, conflicts_with = "realistic")]
    vault: bool,
    /// Where to create the repository (must not exist, or be empty).
    out_dir: PathBuf,
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers: splitmix64.

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A generator for one purpose, derived from the seed and some numbers.
    fn derive(seed: u64, parts: &[u64]) -> Self {
        let mut r = Rng(seed ^ 0x6A09_E667_F3BC_C908);
        for &p in parts {
            r.0 ^= p.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            r.next();
        }
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Text.

const WORDS: &[&str] = &[
    "community",
    "practice",
    "knowledge",
    "steward",
    "members",
    "learning",
    "shared",
    "domain",
    "session",
    "handbook",
    "question",
    "answer",
    "newcomer",
    "mentor",
    "platform",
    "team",
    "workshop",
    "bazaar",
    "pattern",
    "habit",
    "rhythm",
    "meeting",
    "notes",
    "review",
    "guide",
    "onboarding",
    "feedback",
    "story",
    "tool",
    "artefact",
    "decision",
    "record",
    "glossary",
    "term",
    "article",
    "slide",
    "deck",
    "topic",
    "forum",
    "channel",
    "thread",
    "reading",
    "writing",
    "pairing",
    "rotation",
    "host",
    "agenda",
    "retrospective",
    "insight",
    "lesson",
    "experiment",
    "signal",
    "context",
    "trust",
    "ritual",
    "identity",
    "repertoire",
    "silo",
    "network",
    "guild",
    "chapter",
    "tribe",
    "ladder",
    "map",
    "journey",
    "path",
    "gap",
    "skill",
    "craft",
    "standard",
    "template",
    "checklist",
    "backlog",
    "roadmap",
    "quarter",
    "survey",
    "outcome",
    "value",
    "cost",
    "effort",
    "time",
    "energy",
    "attention",
    "curiosity",
    "support",
    "participation",
    "contribution",
    "recognition",
    "visibility",
    "openness",
    "continuity",
    "memory",
    "archive",
    "wiki",
    "page",
    "link",
    "reference",
    "source",
    "draft",
    "summary",
];

const CATEGORIES: &[&str] = &["practice", "concept", "pattern", "role"];
const DIFFICULTIES: &[&str] = &["beginner", "intermediate", "advanced"];
const AUTHORS: &[(&str, &str)] = &[
    ("Ada Steward", "ada@example.org"),
    ("Bo Writer", "bo@example.org"),
    ("Chen Editor", "chen@example.org"),
    ("Dana Mentor", "dana@example.org"),
    ("Eli Reviewer", "eli@example.org"),
    ("Femi Host", "femi@example.org"),
];
const EXTERNAL: &[&str] = &[
    "https://en.wikipedia.org/wiki/Community_of_practice",
    "https://en.wikipedia.org/wiki/Tacit_knowledge",
    "https://en.wikipedia.org/wiki/Organizational_learning",
    "https://en.wikipedia.org/wiki/Legitimate_peripheral_participation",
    "https://example.org/handbook/stewardship",
    "https://example.com/blog/working-out-loud#why",
];

/// Anchors every term has (its level-two headings, slugged).
const TERM_ANCHORS: &[&str] = &["why-it-matters", "in-practice", "examples", "see-also"];
/// Anchors every article has besides its title and its "notes on" heading; `examples-1` is the
/// duplicate "Examples" heading.
const ARTICLE_ANCHORS: &[&str] = &[
    "overview",
    "key-ideas",
    "examples",
    "examples-1",
    "further-reading",
];

/// A small valid PNG (1x1, grey).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn words(rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// A paragraph of `sentences` sentences, with `links` spliced in after some of them.
fn paragraph(rng: &mut Rng, sentences: usize, links: &[String]) -> String {
    let mut out = String::new();
    let mut li = 0;
    for s in 0..sentences {
        if s > 0 {
            out.push(' ');
        }
        let n = rng.range(8, 18);
        out.push_str(&capitalise(&words(rng, n)));
        // Spread the links over the sentences.
        let due = (s + 1) * links.len() / sentences;
        if li < due {
            out.push_str(", as");
            while li < due {
                out.push(' ');
                out.push_str(&links[li]);
                li += 1;
                if li < due {
                    out.push_str(" and");
                }
            }
            out.push_str(" shows");
        }
        out.push('.');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The plan: which documents exist, and what each links to.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Term,
    Article,
    Deck,
}

#[derive(Clone, Debug)]
enum Target {
    /// Another document, with an anchor in it or none.
    Doc(usize, Option<String>),
    Image(usize),
    External(&'static str),
    /// A deliberate defect: a file that does not exist.
    MissingFile(String),
    /// A deliberate defect: an existing document, an anchor it does not have.
    MissingAnchor(usize),
}

#[derive(Clone, Debug)]
struct Link {
    text: String,
    target: Target,
    image: bool,
}

struct Plan {
    seed: u64,
    n_docs: usize,
    n_terms: usize,
    n_articles: usize,
    n_topics: usize,
    n_images: usize,
    links: Vec<Vec<Link>>,
    /// For each document, the documents that link to it.
    incoming: Vec<Vec<usize>>,
    /// For each term, its `relatedTerms`.
    related: Vec<Vec<String>>,
    defects: Defects,
    /// Links as wikilinks and embeds (`--vault`).
    vault: bool,
}

#[derive(Default, Debug)]
struct Defects {
    missing_file: usize,
    missing_anchor: usize,
    unknown_term: usize,
    missing_alt: usize,
}

impl Plan {
    fn new(seed: u64, docs: usize, links_per_doc: usize) -> Plan {
        let n_terms = (docs / 5).max(usize::from(docs > 0)).min(docs);
        let n_decks = (docs / 10).min(docs - n_terms);
        let n_articles = docs - n_terms - n_decks;
        let n_topics = (n_articles / 100).clamp(2, 99);
        let n_images = (docs / 50).clamp(3, 999);
        let mut plan = Plan {
            seed,
            n_docs: docs,
            n_terms,
            n_articles,
            n_topics,
            n_images,
            links: Vec::with_capacity(docs),
            incoming: vec![Vec::new(); docs],
            related: Vec::with_capacity(n_terms),
            defects: Defects::default(),
            vault: false,
        };
        for id in 0..docs {
            let links = plan.plan_links(id, links_per_doc);
            for l in &links {
                if let Target::Doc(t, _) | Target::MissingAnchor(t) = l.target {
                    if plan.incoming[t].last() != Some(&id) {
                        plan.incoming[t].push(id);
                    }
                }
            }
            plan.links.push(links);
        }
        for t in 0..n_terms {
            let mut rng = Rng::derive(seed, &[2, t as u64]);
            let n = rng.range(2, 5).min(n_terms.saturating_sub(1));
            let mut rel = Vec::new();
            let mut seen = HashSet::new();
            for _ in 0..n * 3 {
                if rel.len() == n {
                    break;
                }
                let o = rng.below(n_terms);
                if o != t && seen.insert(o) {
                    rel.push(term_slug(o));
                }
            }
            if n_terms > 1 && rng.chance(1, 200) {
                rel.push(format!("{}-draft", term_slug((t + 1) % n_terms)));
                plan.defects.unknown_term += 1;
            }
            plan.related.push(rel);
        }
        plan
    }

    fn kind(&self, id: usize) -> (Kind, usize) {
        if id < self.n_terms {
            (Kind::Term, id)
        } else if id < self.n_terms + self.n_articles {
            (Kind::Article, id - self.n_terms)
        } else {
            (Kind::Deck, id - self.n_terms - self.n_articles)
        }
    }

    fn initial_path(&self, id: usize) -> String {
        match self.kind(id) {
            (Kind::Term, i) => format!("glossary/{}.md", term_slug(i)),
            (Kind::Article, i) => {
                format!(
                    "articles/topic-{:02}/article-{:04}.md",
                    i % self.n_topics + 1,
                    i + 1
                )
            }
            (Kind::Deck, i) => format!("decks/deck-{:03}.md", i + 1),
        }
    }

    /// Where article `id`, now at `path`, moves when renamed: the next topic folder. The same
    /// depth, so the article's own relative links still resolve and its blob is unchanged.
    fn renamed_path(&self, path: &str) -> String {
        let rest = path.strip_prefix("articles/topic-").expect("an article");
        let (n, file) = rest.split_once('/').expect("a topic folder");
        let n: usize = n.parse().expect("a topic number");
        format!("articles/topic-{:02}/{file}", n % self.n_topics + 1)
    }

    fn plan_links(&mut self, id: usize, links_per_doc: usize) -> Vec<Link> {
        let docs = self.n_docs;
        let mut rng = Rng::derive(self.seed, &[1, id as u64]);
        let (kind, _) = self.kind(id);
        let n = if links_per_doc == 0 {
            0
        } else {
            rng.range(links_per_doc.saturating_sub(3).max(1), links_per_doc + 3)
        };
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let roll = rng.below(100);
            // Shares by kind of source: terms link mostly to terms, decks carry the images.
            let (to_term, to_article, to_image) = match kind {
                Kind::Term => (55, 85, 90),
                Kind::Article => (40, 75, 85),
                Kind::Deck => (40, 60, 90),
            };
            let len = rng.range(1, 3);
            let text = words(&mut rng, len);
            let mut image = false;
            let target = if roll < to_term && self.n_terms > 0 {
                let t = self.other(&mut rng, id, 0, self.n_terms);
                let anchor = rng.chance(1, 3).then(|| rng.pick(TERM_ANCHORS).to_string());
                Target::Doc(t, anchor)
            } else if roll < to_article && self.n_articles > 0 {
                let a = self.other(&mut rng, id, self.n_terms, self.n_articles);
                let anchor = if rng.chance(2, 3) {
                    if rng.chance(1, 4) {
                        Some(notes_anchor(self.seed, a - self.n_terms))
                    } else {
                        Some(rng.pick(ARTICLE_ANCHORS).to_string())
                    }
                } else {
                    None
                };
                Target::Doc(a, anchor)
            } else if roll < to_image {
                image = true;
                Target::Image(rng.below(self.n_images))
            } else {
                Target::External(rng.pick(EXTERNAL))
            };
            // About 0.5% of internal links are broken, deterministically.
            let target = match target {
                Target::Doc(t, _) if docs > 0 && rng.chance(1, 200) => {
                    if rng.chance(1, 2) {
                        self.defects.missing_file += 1;
                        Target::MissingFile(format!("retired-{}.md", rng.below(1000)))
                    } else {
                        self.defects.missing_anchor += 1;
                        Target::MissingAnchor(t)
                    }
                }
                t => t,
            };
            out.push(Link {
                text,
                target,
                image,
            });
        }
        out
    }

    /// A document in `start..start+len` other than `id` (when there is another).
    fn other(&self, rng: &mut Rng, id: usize, start: usize, len: usize) -> usize {
        let mut o = start + rng.below(len);
        if o == id && len > 1 {
            o = start + (o - start + 1) % len;
        }
        o
    }
}

fn term_slug(i: usize) -> String {
    format!("term-{:04}", i + 1)
}

/// The words of article `a`'s "Notes on ..." heading, fixed by the seed.
fn notes_words(seed: u64, a: usize) -> (String, String) {
    let mut r = Rng::derive(seed, &[3, a as u64]);
    (r.pick(WORDS).to_string(), r.pick(WORDS).to_string())
}

fn notes_anchor(seed: u64, a: usize) -> String {
    let (x, y) = notes_words(seed, a);
    format!("notes-on-{x}-{y}")
}

/// `to` relative to the folder of `from`. Articles always climb to `articles/` for another
/// article, even in their own topic, so that moving an article between topics keeps its blob.
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let mut common = 0;
    let max_common = if from_dir.first() == Some(&"articles") {
        1
    } else {
        usize::MAX
    };
    while common < from_dir.len()
        && common + 1 < to_parts.len()
        && common < max_common
        && from_dir[common] == to_parts[common]
    {
        common += 1;
    }
    let mut s = String::new();
    for _ in common..from_dir.len() {
        s.push_str("../");
    }
    s.push_str(&to_parts[common..].join("/"));
    s
}

// ---------------------------------------------------------------------------------------------
// Rendering a document's text from its id, its version and where every document is now.

/// What `--realistic` adds to one document's text: the day it was last reviewed (a Unix time)
/// and how many times the bot reformatted it.
#[derive(Clone, Copy)]
struct Realism {
    reviewed: i64,
    reformats: u32,
}

fn render(plan: &Plan, id: usize, version: u32, paths: &[String], real: Option<Realism>) -> String {
    let me = &paths[id];
    let mut rng = Rng::derive(plan.seed, &[4, id as u64, u64::from(version)]);
    let mut footnote = false;
    let links: Vec<String> = plan.links[id]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if plan.vault {
                return wikilink(l, i, paths);
            }
            let href = match &l.target {
                Target::Doc(t, None) => relative(me, &paths[*t]),
                Target::Doc(t, Some(a)) => format!("{}#{a}", relative(me, &paths[*t])),
                Target::Image(i) => relative(me, &format!("images/img-{:03}.png", i + 1)),
                Target::External(u) => (*u).to_string(),
                Target::MissingFile(f) => {
                    let dir = me.rsplit_once('/').map_or("", |(d, _)| d);
                    relative(me, &format!("{dir}/{f}"))
                }
                Target::MissingAnchor(t) => {
                    format!("{}#section-that-was-removed", relative(me, &paths[*t]))
                }
            };
            if l.image {
                format!("![{}]({href})", capitalise(&l.text))
            } else {
                format!("[{}]({href})", l.text)
            }
        })
        .collect();
    let (kind, idx) = plan.kind(id);
    let mut out = String::with_capacity(4096);
    match kind {
        Kind::Term => {
            let name = format!(
                "{} {}",
                capitalise(&words(&mut Rng::derive(plan.seed, &[5, idx as u64]), 2)),
                idx + 1
            );
            let mut fm = Rng::derive(plan.seed, &[6, idx as u64]);
            let related: Vec<String> = plan.related[idx]
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect();
            let _ = write!(
                out,
                "---\nterm: \"{name}\"\ncategory: \"{}\"\ndifficulty: \"{}\"\nrelatedTerms: [{}]\ntags: [\"{}\", \"{}\"]\n---\n\n",
                fm.pick(CATEGORIES),
                fm.pick(DIFFICULTIES),
                related.join(", "),
                fm.pick(WORDS),
                fm.pick(WORDS),
            );
            let (a, rest) = links.split_at(links.len() / 3);
            let (b, c) = rest.split_at(rest.len() / 2);
            let _ = write!(out, "{}\n\n", paragraph(&mut rng, 4, a));
            let _ = write!(
                out,
                "## Why it matters\n\n{}\n\n",
                paragraph(&mut rng, 3, b)
            );
            out.push_str("## In practice\n\n");
            for l in c {
                let _ = writeln!(out, "- **{}**: see {l}", capitalise(&words(&mut rng, 2)));
            }
            let _ = write!(out, "\n## Examples\n\n{}\n\n", paragraph(&mut rng, 3, &[]));
            let _ = write!(
                out,
                "## See also\n\nRevision {version}. {}\n",
                paragraph(&mut rng, 2, &[])
            );
        }
        Kind::Article => {
            let mut t = Rng::derive(plan.seed, &[7, idx as u64]);
            let title = format!("{} {}", capitalise(&words(&mut t, 3)), idx + 1);
            let _ = write!(
                out,
                "---\ntitle: \"{title}\"\nsummary: \"{}.\"\ntags: [\"{}\", \"{}\"]\n",
                capitalise(&words(&mut t, 10)),
                t.pick(WORDS),
                t.pick(WORDS),
            );
            if let Some(r) = real {
                real_front_matter(&mut out, plan.seed, idx, r.reviewed);
            }
            let _ = write!(out, "---\n\n# {title}\n\n");
            let chunk = links.len().div_ceil(5).max(1);
            let mut parts = links.chunks(chunk);
            let mut next = || parts.next().unwrap_or(&[]);
            let _ = write!(out, "{}\n\n", paragraph(&mut rng, 3, next()));
            let _ = write!(out, "## Overview\n\n{}\n\n", paragraph(&mut rng, 4, next()));
            let _ = write!(out, "## Key ideas\n\n");
            for _ in 0..rng.range(3, 5) {
                let _ = writeln!(out, "- {}", capitalise(&words(&mut rng, 6)));
            }
            let _ = write!(out, "\n{}\n\n", paragraph(&mut rng, 3, next()));
            let _ = write!(out, "## Examples\n\n{}\n\n", paragraph(&mut rng, 3, next()));
            let _ = write!(
                out,
                "## Examples\n\n{}[^1]\n\n",
                paragraph(&mut rng, 2, &[])
            );
            let (x, y) = notes_words(plan.seed, idx);
            let _ = write!(
                out,
                "## Notes on {x} {y}\n\n{}\n\n",
                paragraph(&mut rng, 4, next())
            );
            out.push_str("### Further reading\n\n");
            for l in parts.by_ref().flatten() {
                let _ = writeln!(out, "- {l}");
            }
            footnote = true;
            let _ = write!(
                out,
                "\nRevision {version}. {}\n",
                paragraph(&mut rng, 2, &[])
            );
        }
        Kind::Deck => {
            let mut t = Rng::derive(plan.seed, &[8, idx as u64]);
            let _ = write!(out, "# {} {}\n\n", capitalise(&words(&mut t, 3)), idx + 1);
            let slides = 4;
            let chunk = links.len().div_ceil(slides).max(1);
            let mut parts = links.chunks(chunk);
            for s in 0..slides {
                if s > 0 {
                    out.push_str("\n---\n\n");
                }
                let _ = writeln!(out, "### {}", capitalise(&words(&mut rng, 3)));
                for _ in 0..rng.range(2, 4) {
                    let _ = writeln!(out, "- {}", capitalise(&words(&mut rng, 5)));
                    let _ = writeln!(out, "    - {}", words(&mut rng, 4));
                }
                let mut images = Vec::new();
                for l in parts.next().unwrap_or(&[]) {
                    if l.starts_with('!') {
                        images.push(l);
                    } else {
                        let _ = writeln!(out, "- {l}");
                    }
                }
                for i in images {
                    let _ = write!(out, "\n{i}\n");
                }
                if s % 2 == 1 {
                    let _ = write!(
                        out,
                        "\n::: tip Acronyms\n- **CoP:** Community of Practice\n- **{}:** {}\n:::\n",
                        ["SME", "PO", "AMA", "WOL"][rng.below(4)],
                        capitalise(&words(&mut rng, 3)),
                    );
                }
            }
            if Rng::derive(plan.seed, &[9, idx as u64]).chance(1, 50) {
                // A deliberate defect: an image without alt text.
                let _ = write!(out, "\n![]({})\n", relative(me, "images/img-001.png"));
            }
            let _ = write!(out, "\nRevision {version}.\n");
        }
    }
    if footnote {
        let _ = write!(out, "\n[^1]: {}.\n", capitalise(&words(&mut rng, 8)));
    }
    match real {
        Some(r) if r.reformats % 2 == 1 => reformat(&out),
        _ => out,
    }
}

/// Link `l`, a document's `i`th, as a vault writes it: a note by its name (the
/// file name without `.md`, unique in the corpus), a heading by its text, an image by its file
/// name; every other link to a note carries display text. External links stay Markdown links.
fn wikilink(l: &Link, i: usize, paths: &[String]) -> String {
    let name = |t: usize| {
        let p = &paths[t];
        let file = p.rsplit('/').next().unwrap_or(p);
        file.strip_suffix(".md").unwrap_or(file).to_string()
    };
    let target = match &l.target {
        Target::Doc(t, None) => name(*t),
        Target::Doc(t, Some(a)) => format!("{}#{}", name(*t), heading_text(a)),
        Target::Image(n) => return format!("![[img-{:03}.png]]", n + 1),
        Target::External(u) => return format!("[{}]({u})", l.text),
        Target::MissingFile(f) => f.strip_suffix(".md").unwrap_or(f).to_string(),
        Target::MissingAnchor(t) => format!("{}#Section that was removed", name(*t)),
    };
    if i % 2 == 1 {
        format!("[[{target}|{}]]", l.text)
    } else {
        format!("[[{target}]]")
    }
}

/// The text of the heading whose slug is `anchor` (`key-ideas` is "Key ideas"; `examples-1`,
/// the second "Examples", is reached by the text "Examples" too, which opens the first).
fn heading_text(anchor: &str) -> String {
    let anchor = anchor.strip_suffix("-1").unwrap_or(anchor);
    capitalise(&anchor.replace('-', " "))
}

/// The keys `--realistic` adds to article `a`'s front matter, the same in every version but
/// the review date: `keywords` empty (null) on a third and a string on the rest,
/// `content_owner` on 90%, `ms.date` (MM/DD/YYYY) on 90%, `ms.update-cycle` on 85%.
fn real_front_matter(out: &mut String, seed: u64, a: usize, reviewed: i64) {
    let mut r = Rng::derive(seed, &[12, a as u64]);
    if r.chance(1, 3) {
        out.push_str("keywords:\n");
    } else {
        let _ = writeln!(out, "keywords: {}, {}", r.pick(WORDS), r.pick(WORDS));
    }
    let owner = r.pick(AUTHORS).0;
    if r.chance(9, 10) {
        let _ = writeln!(out, "content_owner: {owner}");
    }
    if r.chance(9, 10) {
        let _ = writeln!(out, "ms.date: {}", us_date(reviewed));
    }
    if r.chance(17, 20) {
        let cycle = if r.chance(2, 3) {
            "180-days"
        } else {
            "365-days"
        };
        let _ = writeln!(out, "ms.update-cycle: {cycle}");
    }
}

/// What the bot's reformatting commit does: bullets `-` become `*` (an odd number of
/// reformats; an even number is the original).
fn reformat(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        match body.strip_prefix("- ") {
            Some(rest) => {
                out.push_str(&line[..indent]);
                out.push_str("* ");
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Trees, written straight to the object database, only the folders that changed.

#[derive(Default)]
struct Dir {
    files: BTreeMap<String, Oid>,
    dirs: BTreeMap<String, Dir>,
    oid: Option<Oid>,
}

impl Dir {
    fn set(&mut self, path: &str, oid: Oid) {
        self.oid = None;
        match path.split_once('/') {
            Some((d, rest)) => self.dirs.entry(d.to_string()).or_default().set(rest, oid),
            None => {
                self.files.insert(path.to_string(), oid);
            }
        }
    }

    fn remove(&mut self, path: &str) {
        self.oid = None;
        match path.split_once('/') {
            Some((d, rest)) => {
                if let Some(sub) = self.dirs.get_mut(d) {
                    sub.remove(rest);
                    if sub.files.is_empty() && sub.dirs.is_empty() {
                        self.dirs.remove(d);
                    }
                }
            }
            None => {
                self.files.remove(path);
            }
        }
    }

    fn get(&self, path: &str) -> Option<Oid> {
        match path.split_once('/') {
            Some((d, rest)) => self.dirs.get(d)?.get(rest),
            None => self.files.get(path).copied(),
        }
    }

    fn write(&mut self, odb: &Odb<'_>) -> Result<Oid> {
        if let Some(oid) = self.oid {
            return Ok(oid);
        }
        // Git orders entries by name, a folder's name compared as if it ended with '/'.
        let mut entries: Vec<(String, &str, Oid)> = Vec::new();
        for (name, d) in &mut self.dirs {
            entries.push((format!("{name}/"), "40000", d.write(odb)?));
        }
        for (name, oid) in &self.files {
            entries.push((name.clone(), "100644", *oid));
        }
        entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut buf = Vec::with_capacity(entries.len() * 48);
        for (key, mode, oid) in &entries {
            buf.extend_from_slice(mode.as_bytes());
            buf.push(b' ');
            buf.extend_from_slice(key.trim_end_matches('/').as_bytes());
            buf.push(0);
            buf.extend_from_slice(oid.as_bytes());
        }
        let oid = odb.write(ObjectType::Tree, &buf)?;
        self.oid = Some(oid);
        Ok(oid)
    }
}

// ---------------------------------------------------------------------------------------------
// History.

/// One path's change in a commit: what it was before (`None`: absent) and after.
struct Change {
    path: String,
    before: Option<Oid>,
    after: Oid,
}

struct Gen<'p> {
    plan: &'p Plan,
    repo: &'p Repository,
    tree: Dir,
    paths: Vec<String>,
    versions: Vec<u32>,
    created: Vec<bool>,
    /// Created documents, in creation order (for picking edits).
    existing: Vec<usize>,
    /// Documents in creation order.
    order: Vec<usize>,
    n_created: usize,
    rng: Rng,
    time: i64,
    commits: usize,
    merges: usize,
    renames: usize,
    /// With `--realistic`: the state it adds.
    real: Option<Real>,
}

/// The state `--realistic` adds, with its own generator so that the plain corpus's stream of
/// numbers is untouched.
struct Real {
    rng: Rng,
    /// Each document's last review (Unix time).
    reviewed: Vec<i64>,
    /// How many times the bot reformatted each document.
    reformats: Vec<u32>,
    bot_commits: usize,
    alias_commits: usize,
}

/// The bot whose reformatting commits `--realistic` adds.
const BOT: (&str, &str) = (
    "github-actions[bot]",
    "41898282+github-actions[bot]@users.noreply.github.com",
);
/// Two other identities of `AUTHORS[0]`, folded by the `.mailmap` `--realistic` writes.
const ALIASES: &[(&str, &str)] = &[
    ("ada", "ada@users.noreply.github.com"),
    ("A. Steward", "asteward@corp.example.com"),
];

impl Gen<'_> {
    fn blob(&self, bytes: &[u8]) -> Result<Oid> {
        Ok(self.repo.blob(bytes)?)
    }

    fn write_doc(&mut self, id: usize, changes: &mut Vec<Change>) -> Result<()> {
        let real = self.real.as_ref().map(|r| Realism {
            reviewed: r.reviewed[id],
            reformats: r.reformats[id],
        });
        let text = render(self.plan, id, self.versions[id], &self.paths, real);
        let oid = self.blob(text.as_bytes())?;
        let path = self.paths[id].clone();
        let before = self.tree.get(&path);
        self.tree.set(&path, oid);
        changes.push(Change {
            path,
            before,
            after: oid,
        });
        Ok(())
    }

    fn create_next(&mut self, changes: &mut Vec<Change>) -> Result<usize> {
        let id = self.order[self.n_created];
        self.n_created += 1;
        self.created[id] = true;
        self.existing.push(id);
        if let Some(r) = &mut self.real {
            r.reviewed[id] = self.time;
        }
        self.write_doc(id, changes)?;
        Ok(id)
    }

    fn commit(&mut self, parents: &[Oid], message: &str) -> Result<Oid> {
        self.commit_as(parents, message, None)
    }

    /// A commit by `author`, or by one of `AUTHORS` picked at random.
    fn commit_as(
        &mut self,
        parents: &[Oid],
        message: &str,
        author: Option<(&str, &str)>,
    ) -> Result<Oid> {
        let odb = self.repo.odb()?;
        let tree_oid = self.tree.write(&odb)?;
        let tree = self.repo.find_tree(tree_oid)?;
        let parents: Vec<git2::Commit<'_>> = parents
            .iter()
            .map(|p| self.repo.find_commit(*p))
            .collect::<std::result::Result<_, _>>()?;
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        // A few hours apart, never two at the same second.
        self.time += (self.rng.range(1, 4) * 3600 + self.rng.below(3600)) as i64;
        let (mut name, mut email) = self.rng.pick(AUTHORS);
        if let Some(r) = &mut self.real {
            if let Some(a) = author {
                (name, email) = a;
                r.bot_commits += 1;
            } else if name == AUTHORS[0].0 && r.rng.chance(1, 2) {
                (name, email) = r.rng.pick(ALIASES);
                r.alias_commits += 1;
            }
        }
        let sig = Signature::new(name, email, &Time::new(self.time, 0))?;
        let oid = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parents)?;
        self.commits += 1;
        Ok(oid)
    }

    fn name(&self, id: usize) -> &str {
        let p = &self.paths[id];
        let file = p.rsplit('/').next().unwrap_or(p);
        file.strip_suffix(".md").unwrap_or(file)
    }

    /// A regular commit's changes: the documents due by commit `j`, then edits to one to three
    /// existing documents (none of `exclude`). Returns the changes and the touched documents.
    fn regular(
        &mut self,
        due: usize,
        exclude: &HashSet<usize>,
    ) -> Result<(Vec<Change>, Vec<usize>, String)> {
        let mut changes = Vec::new();
        let mut touched = Vec::new();
        let mut added = Vec::new();
        while self.n_created < due {
            let id = self.create_next(&mut changes)?;
            touched.push(id);
            added.push(id);
        }
        let edits = if added.is_empty() {
            self.rng.range(1, 3)
        } else {
            self.rng.range(0, 2)
        };
        let mut edited = Vec::new();
        for _ in 0..edits {
            for _attempt in 0..20 {
                if self.existing.is_empty() {
                    break;
                }
                // Recent documents are edited more often than old ones.
                let n = self.existing.len();
                let idx = if self.rng.chance(1, 2) {
                    n - 1 - self.rng.below(n.min(200))
                } else {
                    self.rng.below(n)
                };
                let id = self.existing[idx];
                if exclude.contains(&id) || touched.contains(&id) {
                    continue;
                }
                self.versions[id] += 1;
                if let Some(r) = &mut self.real {
                    // Half the edits are reviews that move the review date.
                    if r.rng.chance(1, 2) {
                        r.reviewed[id] = self.time;
                    }
                }
                self.write_doc(id, &mut changes)?;
                touched.push(id);
                edited.push(id);
                break;
            }
        }
        let mut message = String::new();
        if !added.is_empty() {
            let names: Vec<&str> = added.iter().take(3).map(|&d| self.name(d)).collect();
            let _ = write!(message, "Add {}", names.join(", "));
            if added.len() > 3 {
                let _ = write!(message, " and {} more", added.len() - 3);
            }
        }
        if !edited.is_empty() {
            let names: Vec<&str> = edited.iter().map(|&d| self.name(d)).collect();
            if !message.is_empty() {
                message.push_str("; ");
            }
            let _ = write!(message, "Edit {}", names.join(", "));
        }
        if message.is_empty() {
            message.push_str("Touch up wording");
        }
        Ok((changes, touched, message))
    }

    /// With `--realistic`: the bot reformats one to three existing documents (their bullets),
    /// without a new version or review date. The commit message, or `None` when there is
    /// nothing to reformat.
    fn reformat(&mut self) -> Result<Option<String>> {
        let Some(r) = &mut self.real else {
            return Ok(None);
        };
        if self.existing.is_empty() {
            return Ok(None);
        }
        let n = r.rng.range(1, 3);
        let mut ids: Vec<usize> = Vec::new();
        for _ in 0..n {
            let id = self.existing[r.rng.below(self.existing.len())];
            if !ids.contains(&id) {
                ids.push(id);
                r.reformats[id] += 1;
            }
        }
        let mut sink = Vec::new();
        for &id in &ids {
            self.write_doc(id, &mut sink)?;
        }
        let names: Vec<&str> = ids.iter().map(|&d| self.name(d)).collect();
        Ok(Some(format!("Reformat Markdown: {}", names.join(", "))))
    }

    /// Moves an existing article to the next topic folder (same blob) and updates the links to
    /// it. `false` when there is no article to move.
    fn rename(&mut self) -> Result<Option<String>> {
        let articles: Vec<usize> = self
            .existing
            .iter()
            .copied()
            .filter(|&id| self.plan.kind(id).0 == Kind::Article)
            .collect();
        if articles.is_empty() || self.plan.n_topics < 2 {
            return Ok(None);
        }
        let id = self.rng.pick(&articles);
        let old = self.paths[id].clone();
        let new = self.plan.renamed_path(&old);
        let blob = self
            .tree
            .get(&old)
            .expect("an existing article is in the tree");
        self.tree.remove(&old);
        self.tree.set(&new, blob);
        self.paths[id] = new.clone();
        let mut sink = Vec::new();
        for s in self.plan.incoming[id].clone() {
            if s != id && self.created[s] {
                self.write_doc(s, &mut sink)?;
            }
        }
        self.renames += 1;
        Ok(Some(format!("Move {old} to {new}")))
    }
}

fn write_config(g: &mut Gen<'_>) -> Result<()> {
    let seed = g.plan.seed;
    let config = format!(
        "# A synthetic knowledge base made by docsteward's examples/gen_kb.rs (seed {seed}) for the benchmark.\n\
include = [\"**/*.md\"]\n\n\
[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschema = \"schemas/term.schema.json\"\nstale-after = \"365d\"\n\n\
[[content]]\nname = \"article\"\npaths = [\"articles/**/*.md\"]\nschema = \"schemas/article.schema.json\"\nstale-after = \"180d\"\n\n\
[terms]\nreference-keys = [\"relatedTerms\"]\n"
    );
    // `docsteward init` infers `defined-by` for this layout; without it any document may
    // define a term, and a scoped run reads every document's front matter.
    let any_term = config.clone();
    let config = format!(
        "{config}# As `docsteward init` infers it: the folder the relatedTerms values name.\ndefined-by = [\"glossary/*.md\"]\n"
    );
    // A vault: links resolve by note name, headings by their text.
    let site = if g.plan.vault {
        "\n[site]\ngenerator = \"obsidian\"\n"
    } else {
        ""
    };
    let any_term = format!("{any_term}{site}");
    let no_history = format!(
        "{config}{site}\n# The same configuration without the one rule that reads history.\n[rules]\n\"stale/age\" = \"off\"\n"
    );
    let term_schema = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "term.schema.json",
  "title": "Glossary term",
  "type": "object",
  "required": ["term", "category", "difficulty"],
  "properties": {
    "term": { "type": "string", "minLength": 1 },
    "category": { "enum": ["practice", "concept", "pattern", "role"] },
    "difficulty": { "enum": ["beginner", "intermediate", "advanced"] },
    "relatedTerms": { "type": "array", "items": { "type": "string" } },
    "tags": { "type": "array", "items": { "type": "string" } }
  },
  "additionalProperties": false
}
"#;
    let article_schema = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "article.schema.json",
  "title": "Article",
  "type": "object",
  "required": ["title", "summary"],
  "properties": {
    "title": { "type": "string", "minLength": 1 },
    "summary": { "type": "string", "minLength": 1 },
    "tags": { "type": "array", "items": { "type": "string" } }
  },
  "additionalProperties": false
}
"#;
    let config = format!("{config}{site}");
    let mut files: Vec<(String, Vec<u8>)> = if g.real.is_some() {
        // A repository before docsteward: no configuration, but the files GitHub reads.
        vec![
            (".github/CODEOWNERS".into(), CODEOWNERS.as_bytes().to_vec()),
            (".mailmap".into(), mailmap().into_bytes()),
        ]
    } else {
        vec![
            ("docsteward.toml".into(), config.into_bytes()),
            ("docsteward-nohistory.toml".into(), no_history.into_bytes()),
            ("docsteward-any-term.toml".into(), any_term.into_bytes()),
            (
                "schemas/term.schema.json".into(),
                term_schema.as_bytes().to_vec(),
            ),
            (
                "schemas/article.schema.json".into(),
                article_schema.as_bytes().to_vec(),
            ),
        ]
    };
    if g.plan.vault {
        // What Obsidian writes when a folder is opened as a vault and links are set to names.
        files.push((
            ".obsidian/app.json".into(),
            OBSIDIAN_APP.as_bytes().to_vec(),
        ));
    }
    for (path, bytes) in files {
        let oid = g.blob(&bytes)?;
        g.tree.set(&path, oid);
    }
    let png = g.blob(PNG)?;
    for i in 0..g.plan.n_images {
        g.tree.set(&format!("images/img-{:03}.png", i + 1), png);
    }
    Ok(())
}

/// The `.obsidian/app.json` of `--vault`: new links by shortest name, attachments in `images/`.
const OBSIDIAN_APP: &str = "{\n  \"newLinkFormat\": \"shortest\",\n  \"useMarkdownLinks\": false,\n  \"attachmentFolderPath\": \"images\"\n}\n";

/// The `.github/CODEOWNERS` of `--realistic` (GitHub: the last matching pattern wins).
const CODEOWNERS: &str = "\
# Who reviews changes to the knowledge base (decks and most articles have no owner here).
/.github/              @kb/maintainers
/glossary/             @ada-steward @kb/glossary
/articles/topic-01/    @bo-writer
*.png                  @kb/design
";

/// The `.mailmap` of `--realistic`: the aliases of `AUTHORS[0]` folded into its name.
fn mailmap() -> String {
    let (name, email) = AUTHORS[0];
    let mut s = String::new();
    for (alias, alias_email) in ALIASES {
        let _ = writeln!(s, "{name} <{email}> {alias} <{alias_email}>");
    }
    s
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    if args.commits == 0 {
        return Err("--commits must be at least 1".into());
    }
    if args.out_dir.exists() {
        let empty = args.out_dir.read_dir()?.next().is_none();
        if !empty {
            if args.force {
                std::fs::remove_dir_all(&args.out_dir)?;
            } else {
                return Err(format!(
                    "{} exists and is not empty (use --force)",
                    args.out_dir.display()
                )
                .into());
            }
        }
    }
    std::fs::create_dir_all(&args.out_dir)?;

    let mut plan = Plan::new(args.seed, args.docs, args.links_per_doc);
    plan.vault = args.vault;
    let docs = args.docs;

    let mut opts = RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = Repository::init_opts(&args.out_dir, &opts)?;
    // Every object goes to memory first and to disk as one pack at the end: writing a hundred
    // thousand loose objects costs minutes on a slow file system.
    let odb = repo.odb()?;
    let mempack = odb.add_new_mempack_backend(1000)?;

    let mut rng = Rng::new(args.seed);
    let mut order: Vec<usize> = (0..docs).collect();
    for i in (1..order.len()).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    let paths: Vec<String> = (0..docs).map(|id| plan.initial_path(id)).collect();
    let mut g = Gen {
        plan: &plan,
        repo: &repo,
        tree: Dir::default(),
        paths,
        versions: vec![0; docs],
        created: vec![false; docs],
        existing: Vec::with_capacity(docs),
        order,
        n_created: 0,
        rng: Rng::derive(args.seed, &[10]),
        time: 1_609_459_200, // 2021-01-01T00:00:00Z
        commits: 0,
        merges: 0,
        renames: 0,
        real: args.realistic.then(|| Real {
            rng: Rng::derive(args.seed, &[11]),
            reviewed: vec![0; docs],
            reformats: vec![0; docs],
            bot_commits: 0,
            alias_commits: 0,
        }),
    };

    let total = args.commits;
    let initial = if total == 1 {
        docs
    } else {
        (docs / 5).max(docs.min(1))
    };
    // How many documents exist after commit `j` (0-based): the rest arrive evenly.
    let due = |j: usize| -> usize {
        if total <= 1 {
            docs
        } else {
            initial + (docs - initial) * j / (total - 1)
        }
    };

    // Commit 0: configuration, schemas, images and the first fifth of the documents.
    write_config(&mut g)?;
    let mut sink = Vec::new();
    while g.n_created < initial {
        g.create_next(&mut sink)?;
    }
    let mut head = g.commit(&[], "Start the knowledge base")?;
    let mut j = 1;
    let mut side_no = 0;
    while j < total {
        if j % 50 == 25 {
            let k = g.rng.range(2, 5);
            // A block of k + 2 commits, and a regular commit must still come last.
            if j + k + 2 < total {
                let fork = head;
                let (main_changes, touched, msg) = g.regular(due(j), &HashSet::new())?;
                let main_tip = g.commit(&[fork], &msg)?;
                j += 1;
                for c in main_changes.iter().rev() {
                    match c.before {
                        Some(o) => g.tree.set(&c.path, o),
                        None => g.tree.remove(&c.path),
                    }
                }
                let exclude: HashSet<usize> = touched.into_iter().collect();
                let mut side = fork;
                for _ in 0..k {
                    let (_, _, msg) = g.regular(due(j), &exclude)?;
                    side = g.commit(&[side], &msg)?;
                    j += 1;
                }
                for c in &main_changes {
                    g.tree.set(&c.path, c.after);
                }
                side_no += 1;
                head = g.commit(&[main_tip, side], &format!("Merge branch 'side-{side_no}'"))?;
                g.merges += 1;
                j += 1;
                continue;
            }
        }
        if j % 200 == 100 && j + 1 < total {
            if let Some(msg) = g.rename()? {
                head = g.commit(&[head], &msg)?;
                j += 1;
                continue;
            }
        }
        // About one commit in ten of the rest is the bot's reformatting (never the last: the
        // last commit creates the documents still due).
        let bot = j + 1 < total && g.real.as_mut().is_some_and(|r| r.rng.chance(1, 10));
        if bot {
            if let Some(msg) = g.reformat()? {
                head = g.commit_as(&[head], &msg, Some(BOT))?;
                j += 1;
                continue;
            }
        }
        let (_, _, msg) = g.regular(due(j), &HashSet::new())?;
        head = g.commit(&[head], &msg)?;
        j += 1;
    }
    assert_eq!(
        g.n_created, docs,
        "every document is created by the last commit"
    );
    assert_eq!(g.commits, total);

    let (commits, merges, renames, last_time) = (g.commits, g.merges, g.renames, g.time);
    let real = g.real.as_ref().map(|r| (r.bot_commits, r.alias_commits));
    drop(g);
    let built = started.elapsed();
    // What `Mempack::dump` does, on every core.
    let mut pack = git2::Buf::new();
    {
        let mut builder = repo.packbuilder()?;
        builder.set_threads(0);
        let mut walk = repo.revwalk()?;
        walk.push(head)?;
        builder.insert_walk(&mut walk)?;
        builder.write_buf(&mut pack)?;
    }
    let mut writer = odb.packwriter()?;
    std::io::Write::write_all(&mut writer, &pack)?;
    writer.commit()?;
    drop(pack);
    mempack.reset()?;
    let dumped = started.elapsed();
    repo.reference("refs/heads/main", head, true, "gen_kb")?;
    repo.set_head("refs/heads/main")?;
    let mut co = git2::build::CheckoutBuilder::new();
    co.force();
    repo.checkout_head(Some(&mut co))?;
    let generated = started.elapsed();

    let links: usize = plan.links.iter().map(Vec::len).sum();
    let d = &plan.defects;
    println!("corpus:      {}", args.out_dir.display());
    println!("seed:        {}", args.seed);
    println!(
        "documents:   {docs} ({} terms, {} articles in {} topics, {} decks), {} images",
        plan.n_terms,
        plan.n_articles,
        plan.n_topics,
        docs - plan.n_terms - plan.n_articles,
        plan.n_images
    );
    println!("links:       {links}");
    if plan.vault {
        println!("vault:       wikilinks and embeds, [site] generator = \"obsidian\"");
    }
    println!(
        "defects:     {} links to missing files, {} missing anchors, {} unknown related terms, {} images without alt text",
        d.missing_file, d.missing_anchor, d.unknown_term, d.missing_alt_count(&plan)
    );
    println!("commits:     {commits}");
    println!("merges:      {merges}");
    println!("renames:     {renames}");
    if let Some((bot, alias)) = real {
        println!(
            "realistic:   {bot} reformatting commits by {}, {alias} commits by aliases of {} (.mailmap)",
            BOT.0, AUTHORS[0].0
        );
    }
    println!("last commit: {} ({})", head, jiff_like_date(last_time));
    println!(
        "time:        {:.2}s to build the history, {:.2}s to write it as a pack, {:.2}s to check out, {:.2}s in all",
        built.as_secs_f64(),
        (dumped - built).as_secs_f64(),
        (generated - dumped).as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

impl Defects {
    fn missing_alt_count(&self, plan: &Plan) -> usize {
        let decks = plan.links.len() - plan.n_terms - plan.n_articles;
        (0..decks)
            .filter(|&i| Rng::derive(plan.seed, &[9, i as u64]).chance(1, 50))
            .count()
            + self.missing_alt
    }
}

/// MM/DD/YYYY of a Unix time (UTC), as Learn-style `ms.date` values are written.
fn us_date(secs: i64) -> String {
    let iso = jiff_like_date(secs);
    format!("{}/{}/{}", &iso[5..7], &iso[8..10], &iso[..4])
}

/// YYYY-MM-DD of a Unix time (UTC), without a date crate.
fn jiff_like_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}
