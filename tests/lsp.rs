//! `docsteward lsp` driven as an editor drives it: JSON-RPC over the binary's standard input
//! and output, on the handbook fixture committed at a pinned date.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use common::TestRepo;
use serde_json::{json, Value};

/// A language client: sends requests and notifications, and keeps what the server says.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
    next_id: u64,
    root: String,
}

const WAIT: Duration = Duration::from_secs(120);

impl Client {
    fn start(repo: &TestRepo) -> Client {
        let mut child = common::docsteward(repo.root(), &["lsp"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start docsteward lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                let value: Value = serde_json::from_slice(&body).expect("JSON from the server");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let root = std::fs::canonicalize(repo.root()).unwrap();
        let mut client = Client {
            child,
            stdin,
            messages: rx,
            notifications: Vec::new(),
            next_id: 0,
            root: format!("file://{}", root.display()),
        };
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": client.root,
                "capabilities": {},
            }),
        );
        assert!(init["capabilities"]["hoverProvider"].as_bool().unwrap());
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, path: &str) -> String {
        format!("{}/{path}", self.root)
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.messages.recv_timeout(WAIT).expect("a response");
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            self.notifications.push(message);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `path`.
    fn diagnostics(&mut self, path: &str) -> Vec<Value> {
        let uri = self.uri(path);
        let is_ours = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        };
        if let Some(i) = self.notifications.iter().position(is_ours) {
            let m = self.notifications.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.messages.recv_timeout(WAIT).expect("diagnostics");
            if is_ours(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.notifications.push(m);
        }
    }

    fn open(&mut self, path: &str, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &str, version: i32, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&self, path: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": self.uri(path)}, "position": {"line": line, "character": character}})
    }

    fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn handbook() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/handbook"));
    repo.commit_at("the handbook", 1_700_000_000, "Ada", &[]);
    repo
}

/// Where `needle` is in `text`, as a 0-based line and UTF-16 column (ASCII fixtures).
fn find(text: &str, needle: &str) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the text"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u32, text[start..at].encode_utf16().count() as u32)
}

fn read(repo: &TestRepo, path: &str) -> String {
    std::fs::read_to_string(repo.path(path)).unwrap()
}

/// `(code, line, character, message)` of each diagnostic.
fn brief(diagnostics: &[Value]) -> Vec<(String, u64, u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}})
}

const ARTICLE: &str = "articles/running-a-community.md";
const STEWARD: &str = "glossary/steward.md";
const COP: &str = "glossary/community-of-practice.md";

#[test]
fn diagnostics_follow_the_buffer_in_utf16_and_fixes_are_code_actions() {
    let repo = handbook();
    let mut client = Client::start(&repo);
    let text = read(&repo, ARTICLE);
    client.open(ARTICLE, &text);
    let diagnostics = client.diagnostics(ARTICLE);
    assert_eq!(
        brief(&diagnostics),
        vec![
            (
                "links/missing-file".to_owned(),
                11,
                20,
                "link target `articles/why-communities-of-practice.md` does not exist\nhelp: did you mean `why-a-community-of-practice.md`? (`articles/why-a-community-of-practice.md` exists)".to_owned()
            ),
            (
                "links/missing-anchor".to_owned(),
                16,
                81,
                "`#three-elementz` matches no heading or anchor in `glossary/community-of-practice.md`\nhelp: did you mean `#three-elements`?".to_owned()
            ),
            (
                "footnotes/undefined".to_owned(),
                25,
                64,
                "footnote `[^survey]` has no definition\nhelp: add a line `[^survey]: ...` at the end of the document".to_owned()
            ),
            (
                "footnotes/unused".to_owned(),
                34,
                0,
                "footnote `[^old]` is defined but never referenced\nhelp: reference it in the text or remove it".to_owned()
            ),
        ]
    );
    let anchor = &diagnostics[1];
    assert_eq!(anchor["severity"], 1);
    assert_eq!(
        anchor["codeDescription"]["href"],
        "https://github.com/docsteward/docsteward/blob/main/rules/links/missing-anchor.md"
    );
    assert_eq!(anchor["range"], range((16, 81), (16, 96)));
    // The heading the fragment nearly matched.
    let related = &anchor["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], json!(client.uri(COP)));
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 11, "character": 0})
    );
    assert_eq!(
        related["message"],
        "the heading `#three-elements` is the closest match"
    );
    assert_eq!(diagnostics[3]["severity"], 2);

    // The "did you mean" is a quick fix, not preferred: it is a guess.
    let (line, ch) = find(&text, "three-elementz");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": client.uri(ARTICLE)}, "range": range((line, ch), (line, ch)),
               "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(
        actions[0]["title"],
        "Replace `three-elementz` with `three-elements` (a guess)"
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], false);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "links/missing-anchor");
    assert_eq!(
        actions[0]["edit"]["changes"][client.uri(ARTICLE)],
        json!([{"newText": "three-elements", "range": range((16, 82), (16, 96))}])
    );

    // Typed text that is not ASCII: columns count UTF-16 units (é is one, the emoji two).
    let edited = text
        .replace("Read [the overview]", "Lé 😀 [the overview]")
        .replace("three-elementz", "three-elements");
    client.change(ARTICLE, 2, &edited);
    assert_eq!(
        brief(&client.diagnostics(ARTICLE))
            .into_iter()
            .map(|(rule, line, ch, _)| (rule, line, ch))
            .collect::<Vec<_>>(),
        vec![
            ("links/missing-file".to_owned(), 11, 21),
            ("footnotes/undefined".to_owned(), 25, 64),
            ("footnotes/unused".to_owned(), 34, 0),
        ]
    );
    let (line, _) = find(&edited, "why-communities");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": client.uri(ARTICLE)}, "range": range((line, 0), (line, 60)),
               "context": {"diagnostics": []}}),
    );
    assert_eq!(
        actions[0]["edit"]["changes"][client.uri(ARTICLE)],
        json!([{"newText": "why-a-community-of-practice.md", "range": range((11, 21), (11, 51))}])
    );
    client.shutdown();
}

#[test]
fn an_edit_rechecks_the_documents_that_link_to_it() {
    let repo = handbook();
    let mut client = Client::start(&repo);
    client.open(STEWARD, &read(&repo, STEWARD));
    assert_eq!(client.diagnostics(STEWARD), Vec::<Value>::new());
    // The heading steward.md links to is rewritten in an unsaved buffer: steward.md,
    // closed or not, is checked again, and history names the new id.
    let text = read(&repo, COP);
    client.open(COP, &text.replace("## Starting one", "## Starting out"));
    let _ = client.diagnostics(COP);
    let steward = client.diagnostics(STEWARD);
    assert_eq!(
        brief(&steward),
        vec![(
            "links/missing-anchor".to_owned(),
            17,
            124,
            "`#starting-one` matches no heading or anchor in `glossary/community-of-practice.md`\nhelp: the heading `Starting one` is now `Starting out`: write `#starting-out`".to_owned()
        )]
    );
    // Closing the buffer without saving brings back the file as it is on disk.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": client.uri(COP)}}),
    );
    let _ = client.diagnostics(COP);
    assert_eq!(client.diagnostics(STEWARD), Vec::<Value>::new());

    // A new document that was never saved: checked while open, its findings cleared when
    // it is closed.
    let draft = "notes/draft.md";
    client.open(
        draft,
        "# Draft\n\nSee [the steward](../glossary/stewart.md).\n",
    );
    assert_eq!(
        brief(&client.diagnostics(draft))
            .into_iter()
            .map(|(rule, line, ch, _)| (rule, line, ch))
            .collect::<Vec<_>>(),
        vec![("links/missing-file".to_owned(), 2, 18)]
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": client.uri(draft)}}),
    );
    assert_eq!(client.diagnostics(draft), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn completion_offers_terms_paths_anchors_and_schema_keys() {
    let repo = handbook();
    let mut client = Client::start(&repo);
    let text = read(&repo, STEWARD);
    client.open(STEWARD, &text);
    let _ = client.diagnostics(STEWARD);
    let edited = text
        .replace(
            "relatedTerms: [\"community-of-practice\", \"working-out-loud\"]",
            "relatedTerms: [\"community-of-practice\", \"wo\"]",
        )
        .replace("difficulty: \"intermediate\"\n", "difficulty: \nt\n")
        .replace("tags: [\"roles\"]\n", "")
        + "\nSee [x](../glossary/ and [y](community-of-practice.md#\n";
    client.change(STEWARD, 2, &edited);
    let _ = client.diagnostics(STEWARD);
    let labels = |items: &Value| -> Vec<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };

    let (l, c) = find(&edited, "\"wo\"");
    let items = client.request("textDocument/completion", client.at(STEWARD, l, c + 3));
    assert_eq!(
        labels(&items),
        [
            "community-of-practice",
            "cop",
            "legitimate-peripheral-participation",
            "tacit-knowledge",
            "working-out-loud"
        ]
    );
    assert_eq!(items[4]["detail"], "Working out loud");
    assert_eq!(
        items[4]["textEdit"],
        json!({"newText": "working-out-loud", "range": range((l, c + 1), (l, c + 3))})
    );

    let (l, c) = find(&edited, "difficulty: \n");
    let items = client.request("textDocument/completion", client.at(STEWARD, l, c + 12));
    assert_eq!(labels(&items), ["beginner", "intermediate", "advanced"]);

    // A key the schema has and the block lacks.
    let items = client.request("textDocument/completion", client.at(STEWARD, l + 1, 1));
    assert_eq!(labels(&items), ["tags"]);
    assert_eq!(
        items[0]["textEdit"],
        json!({"newText": "tags", "range": range((l + 1, 0), (l + 1, 1))})
    );

    let (l, c) = find(&edited, "../glossary/ ");
    let items = client.request("textDocument/completion", client.at(STEWARD, l, c + 12));
    assert_eq!(
        labels(&items),
        [
            "community-of-practice.md",
            "cop.md",
            "legitimate-peripheral-participation.md",
            "lunch-and-learn.md",
            "steward.md",
            "tacit-knowledge.md",
            "working-out-loud.md"
        ]
    );
    let items = client.request("textDocument/completion", client.at(STEWARD, l, c + 3));
    assert_eq!(
        labels(&items),
        [
            "README.md",
            "articles/",
            "decks/",
            "docsteward.toml",
            "glossary/",
            "images/",
            "notes/",
            "schemas/"
        ]
    );

    let (l, c) = find(&edited, "practice.md#\n");
    let items = client.request("textDocument/completion", client.at(STEWARD, l, c + 12));
    assert_eq!(
        labels(&items),
        [
            "how-it-differs-from-a-team",
            "starting-one",
            "three-elements"
        ]
    );
    client.shutdown();
}

#[test]
fn completion_offers_the_routes_a_site_generator_publishes() {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/hugo"));
    repo.commit_at("the site", 1_700_000_000, "Ada", &[]);
    let mut client = Client::start(&repo);
    let doc = "content/en/setup.md";
    let text = read(&repo, doc);
    client.open(doc, &text);
    let _ = client.diagnostics(doc);
    let edited = format!("{text}\nSee [the guides](/docs/gu\n");
    client.change(doc, 2, &edited);
    let _ = client.diagnostics(doc);
    let (l, c) = find(&edited, "(/docs/gu\n");
    let items = client.request("textDocument/completion", client.at(doc, l, c + 9));
    let routes: Vec<(String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_owned(),
                i["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The URLs Hugo publishes the pages at (the fixture's oracle test builds the site), not
    // the files: a page's permalink, a renamed slug, a bundle's folder.
    let expected = [
        ("/docs/guides/", "content/en/guides/_index.md"),
        ("/docs/guides/bundle/", "content/en/guides/bundle/index.md"),
        ("/docs/guides/new-name/", "content/en/guides/renamed.md"),
        (
            "/docs/guides/shortcodes/",
            "content/en/guides/shortcodes.md",
        ),
    ];
    assert_eq!(
        routes,
        expected.map(|(u, p)| (u.to_owned(), p.to_owned())),
        "{items:#}"
    );
    assert_eq!(
        items[0]["textEdit"],
        json!({"newText": "/docs/guides/", "range": range((l, c + 1), (l, c + 9))})
    );
    client.shutdown();
}

#[test]
fn hover_definition_references_and_rename() {
    let repo = handbook();
    let head = repo
        .git()
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    let mut client = Client::start(&repo);
    let text = read(&repo, STEWARD);
    client.open(STEWARD, &text);
    let _ = client.diagnostics(STEWARD);
    let (term_line, term_ch) = find(&text, "working-out-loud");
    let (link_line, link_ch) = find(&text, "community-of-practice.md#starting-one");

    let hover = client.request(
        "textDocument/hover",
        client.at(STEWARD, term_line, term_ch + 2),
    );
    assert_eq!(
        hover["contents"]["value"],
        "**Working out loud** (`working-out-loud`)\n\nWorking out loud means making work visible while it is still in progress: posting the half-finished diagram, the question you are stuck on, the link that helped. It gives others a chance to help early and leaves a trail that the next person can follow."
    );
    assert_eq!(
        hover["range"],
        range((term_line, term_ch), (term_line, term_ch + 16))
    );
    let hover = client.request(
        "textDocument/hover",
        client.at(STEWARD, link_line, link_ch + 2),
    );
    assert_eq!(
        hover["contents"]["value"],
        format!(
            "**Community of Practice** (`community-of-practice`)\n\nA community of practice is a group of people who do the same kind of work and meet, on purpose and over time, to get better at it together. Nobody is assigned to it; people stay because they learn something each time they show up.\n\nSection: Starting one\n\nLast changed 2023-11-14 in {} by Ada",
            &head[..10]
        )
    );

    let definition = client.request(
        "textDocument/definition",
        client.at(STEWARD, term_line, term_ch + 2),
    );
    assert_eq!(
        definition,
        json!([{"uri": client.uri("glossary/working-out-loud.md"), "range": range((0, 0), (0, 0))}])
    );
    let definition = client.request(
        "textDocument/definition",
        client.at(STEWARD, link_line, link_ch + 30),
    );
    assert_eq!(
        definition,
        json!([{"uri": client.uri(COP), "range": range((25, 0), (26, 0))}])
    );

    // Anywhere else in the document: who links to it, who relates to its term.
    let references = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": client.uri(STEWARD)}, "position": {"line": 10, "character": 0},
               "context": {"includeDeclaration": false}}),
    );
    assert_eq!(
        references,
        json!([
            {"uri": client.uri("articles/why-a-community-of-practice.md"), "range": range((14, 104), (14, 143))},
            {"uri": client.uri("decks/community-kickoff.md"), "range": range((10, 18), (10, 40))},
            {"uri": client.uri(COP), "range": range((5, 74), (5, 81))},
            {"uri": client.uri(COP), "range": range((27, 124), (27, 134))},
            {"uri": client.uri("glossary/working-out-loud.md"), "range": range((5, 16), (5, 23))},
        ])
    );

    // A term slug named by its file: every reference, and the file.
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": client.uri(STEWARD)},
               "position": {"line": term_line, "character": term_ch + 2}, "newName": "wol"}),
    );
    assert_eq!(
        edit,
        json!({"documentChanges": [
            {"textDocument": {"uri": client.uri(STEWARD), "version": null},
             "edits": [{"newText": "wol", "range": range((term_line, term_ch), (term_line, term_ch + 16))}]},
            {"kind": "rename", "oldUri": client.uri("glossary/working-out-loud.md"), "newUri": client.uri("glossary/wol.md")},
        ]})
    );
    // A document moved to another folder: links to it, and its own relative links.
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": client.uri(STEWARD)},
               "position": {"line": link_line, "character": link_ch + 2}, "newName": "../articles/cop.md"}),
    );
    let changes = edit["documentChanges"].as_array().unwrap();
    let summary: Vec<(String, Vec<String>)> = changes
        .iter()
        .map(|c| match c.get("edits") {
            Some(edits) => (
                c["textDocument"]["uri"].as_str().unwrap().to_owned(),
                edits
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["newText"].as_str().unwrap().to_owned())
                    .collect(),
            ),
            None => (
                c["newUri"].as_str().unwrap().to_owned(),
                vec![c["kind"].as_str().unwrap().to_owned()],
            ),
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        summary,
        vec![
            (client.uri(ARTICLE), s(&["cop.md"])),
            (
                client.uri("articles/why-a-community-of-practice.md"),
                s(&["cop.md"])
            ),
            (
                client.uri(COP),
                s(&["../glossary/steward.md", "../glossary/tacit-knowledge.md"])
            ),
            (client.uri("glossary/cop.md"), s(&["../articles/cop.md"])),
            (client.uri(STEWARD), s(&["../articles/cop.md"])),
            (
                client.uri("glossary/tacit-knowledge.md"),
                s(&["../articles/cop.md"])
            ),
            (client.uri("articles/cop.md"), s(&["rename"])),
        ]
    );
    // A name that is taken is refused.
    let refused = client.request_raw(
        "textDocument/rename",
        json!({"textDocument": {"uri": client.uri(STEWARD)},
               "position": {"line": term_line, "character": term_ch + 2}, "newName": "cop"}),
    );
    assert_eq!(
        refused["error"]["message"],
        "the term `cop` is already defined"
    );
    client.shutdown();
}

/// Hostile documents of the adversarial suite's kinds, opened and edited as buffers: the
/// server answers every one and shuts down cleanly.
#[test]
fn hostile_buffers_never_crash_the_server() {
    let repo = handbook();
    let mut client = Client::start(&repo);
    let n = 20_000;
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..9 {
        let prev = if i == 1 {
            "a".to_owned()
        } else {
            format!("a{}", i - 1)
        };
        bomb.push_str(&format!("a{i}: &a{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let cases: Vec<(&str, String)> = vec![
        ("notes/alias-bomb.md", format!("---\n{bomb}---\n# Bomb\n")),
        (
            "notes/deep-flow.md",
            format!("---\nx: {}{}\n---\n# Deep\n", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "notes/unclosed.md",
            "---\ntitle: never closed\n# Body?\n".to_owned(),
        ),
        ("notes/brackets.md", format!("# B\n\n{}\n", "[".repeat(n))),
        ("notes/quotes.md", format!("# Q\n\n{}x\n", "> ".repeat(n))),
        (
            "notes/lists.md",
            format!(
                "# L\n\n{}",
                (0..2000)
                    .map(|i| format!("{}- x\n", "  ".repeat(i)))
                    .collect::<String>()
            ),
        ),
        (
            "notes/links.md",
            format!("# Links\n\n{}", "[a](missing.md#x) ".repeat(5_000)),
        ),
        (
            "notes/lone-cr.md",
            "# Title\r\rtext [x](missing.md)\r".to_owned(),
        ),
        ("notes/nul.md", "# Nul\n\0\0\n".to_owned()),
        (
            "notes/bom.md",
            "\u{feff}---\ntitle: x\n---\n# T\n".to_owned(),
        ),
        (
            "notes/surrogates.md",
            "# 😀😀😀\n\n[😀](../glossary/😀.md#😀)\n".to_owned(),
        ),
        (
            "glossary/steward.md",
            "---\nrelatedTerms: [\"\", \"../x\", \"\u{0}\"]\nslug: \"\"\n---\n".to_owned(),
        ),
    ];
    for (version, (path, text)) in cases.iter().enumerate() {
        client.open(path, text);
        let _ = client.diagnostics(path);
        let end = text.lines().count() as u32;
        for (line, ch) in [(0, 0), (1, 3), (end, 0), (end + 5, 999)] {
            client.request("textDocument/hover", client.at(path, line, ch));
            client.request("textDocument/completion", client.at(path, line, ch));
            client.request("textDocument/definition", client.at(path, line, ch));
        }
        // Cut it in half, inside a character if it can be.
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        client.change(path, version as i32 + 2, &text[..cut]);
        let _ = client.diagnostics(path);
    }
    client.shutdown();
}

#[test]
fn saving_the_configuration_or_a_schema_reloads_it() {
    let repo = handbook();
    let mut client = Client::start(&repo);
    client.open(STEWARD, &read(&repo, STEWARD));
    assert_eq!(client.diagnostics(STEWARD), Vec::<Value>::new());
    client.open(ARTICLE, &read(&repo, ARTICLE));
    assert_eq!(client.diagnostics(ARTICLE).len(), 4);

    // The schema no longer admits the steward's category.
    let schema = "schemas/term.schema.json";
    repo.write(
        schema,
        read(&repo, schema).replace("\"pattern\", \"role\"", "\"pattern\""),
    );
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": client.uri(schema)}}),
    );
    let codes = |d: Vec<Value>| -> Vec<String> {
        d.iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(client.diagnostics(STEWARD)), ["frontmatter/schema"]);

    // The configuration turns a rule off.
    repo.write(
        "docsteward.toml",
        read(&repo, "docsteward.toml") + "\"footnotes/unused\" = \"off\"\n",
    );
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": client.uri("docsteward.toml")}}),
    );
    let mut article = client.diagnostics(ARTICLE);
    // A reload publishes every open document; the article's findings come once.
    while article.len() == 4 {
        article = client.diagnostics(ARTICLE);
    }
    assert_eq!(
        codes(article),
        [
            "links/missing-file",
            "links/missing-anchor",
            "footnotes/undefined"
        ]
    );
    client.shutdown();
}
