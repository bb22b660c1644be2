//! Random edit sequences -> the language server's document updates. One server runs over an
//! in-memory connection on a small repository made once; each input opens a document and
//! applies edits at arbitrary UTF-16 positions (inside surrogate pairs, past line ends,
//! past the text), as a client with full synchronisation sends them, asking for completion,
//! hover, definition, references, rename and quick fixes between edits. Asserts that every
//! request is answered and none with an internal error (a caught panic), and that
//! `Lines` maps positions and offsets back and forth.
#![no_main]

use std::sync::{Mutex, OnceLock};

use docsteward::lsp::Lines;
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Position;
use serde_json::{json, Value};

struct Server {
    client: Connection,
    root: String,
    next: i32,
}

fn server() -> &'static Mutex<Server> {
    static SERVER: OnceLock<Mutex<Server>> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("docsteward-fuzz-lsp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("glossary")).unwrap();
        std::fs::write(
            dir.join("docsteward.toml"),
            "[terms]\nreference-keys = [\"relatedTerms\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("glossary/steward.md"),
            "---\nterm: Steward\nrelatedTerms: [\"cop\"]\n---\n\n# Steward\n\n## Duties\n",
        )
        .unwrap();
        std::fs::write(dir.join("glossary/cop.md"), "---\nterm: CoP\n---\n\nSee [s](steward.md#duties).\n").unwrap();
        let repo = git2::Repository::init(&dir).unwrap();
        let mut index = repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("Fuzz", "fuzz@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "seed", &tree, &[]).unwrap();
        let (server, client) = Connection::memory();
        let cwd = dir.clone();
        std::thread::spawn(move || docsteward::lsp::serve(&server, cwd, None));
        let root = format!("file://{}", std::fs::canonicalize(&dir).unwrap().display());
        let mut s = Server { client, root, next: 0 };
        s.request("initialize", json!({"processId": null, "rootUri": s.root, "capabilities": {}}));
        s.notify("initialized", json!({}));
        Mutex::new(s)
    })
}

impl Server {
    fn notify(&mut self, method: &str, params: Value) {
        self.client
            .sender
            .send(Message::Notification(Notification::new(method.to_owned(), params)))
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.client
            .sender
            .send(Message::Request(Request::new(id.clone(), method.to_owned(), params)))
            .unwrap();
        loop {
            match self.client.receiver.recv().unwrap() {
                Message::Response(r) if r.id == id => {
                    if let Some(e) = &r.error {
                        assert_ne!(e.code, -32603, "{method}: {}", e.message);
                    }
                    return r.result.unwrap_or(Value::Null);
                }
                _ => {}
            }
        }
    }
}

/// Reads bytes as a little program of edits and questions.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn text(&mut self) -> String {
        let n = self.byte().unwrap_or(0) as usize % 24;
        let n = n.min(self.0.len());
        let (t, rest) = self.0.split_at(n);
        self.0 = rest;
        // Characters that matter to Markdown, YAML and UTF-16, and whatever else comes.
        String::from_utf8_lossy(t)
            .chars()
            .map(|c| match c as u32 % 16 {
                0 => '\n',
                1 => '\r',
                2 => '😀',
                3 => 'é',
                4 => '#',
                5 => ']',
                6 => '(',
                7 => ':',
                _ => c,
            })
            .collect()
    }
}

fuzz_target!(|data: &[u8]| {
    let mut server = server().lock().unwrap_or_else(|e| e.into_inner());
    let mut input = Bytes(data);
    let path = if input.byte().unwrap_or(0) % 2 == 0 { "glossary/steward.md" } else { "glossary/new.md" };
    let uri = format!("{}/{path}", server.root);
    let mut text = String::from("---\nterm: X\nrelatedTerms: [\"cop\"]\n---\n\n# X\n\n[a](cop.md#)\n");
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 0, "text": text}}),
    );
    let mut version = 0;
    while let Some(op) = input.byte() {
        let line = input.byte().unwrap_or(0) as u32 % 12;
        let character = input.byte().unwrap_or(0) as u32 % 40;
        let at = Position { line, character };
        let lines = Lines::new(&text);
        let offset = lines.offset(at);
        assert!(text.is_char_boundary(offset));
        let back = lines.position(offset);
        assert_eq!(lines.offset(back), offset, "{at:?} in {text:?}");
        let place = json!({"textDocument": {"uri": uri}, "position": at});
        match op % 8 {
            0..=2 => {
                let len = input.byte().unwrap_or(0) as usize % 8;
                let mut end = (offset + len).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let insert = input.text();
                text.replace_range(offset..end, &insert);
                version += 1;
                server.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
                );
            }
            3 => {
                server.request("textDocument/completion", place);
            }
            4 => {
                server.request("textDocument/hover", place.clone());
                server.request("textDocument/definition", place);
            }
            5 => {
                let mut p = place;
                p["context"] = json!({"includeDeclaration": true});
                server.request("textDocument/references", p);
            }
            6 => {
                let mut p = place;
                p["newName"] = json!(input.text());
                // A refusal is an answer too; only a crash is not.
                server.request("textDocument/rename", p);
            }
            _ => {
                server.request(
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}),
                );
            }
        }
    }
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
});
