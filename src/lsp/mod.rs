//! `docsteward lsp`: a Language Server Protocol server, a second front end over the same
//! index and rules as `docsteward check`. It speaks JSON-RPC over a connection it is given
//! (standard input and output for the binary) with `lsp-server`, rust-analyzer's
//! synchronous transport: requests are answered one at a time, in order, which is all a
//! linter's edits need.

mod features;
mod position;
mod workspace;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, CompletionOptions,
    CompletionParams, CompletionResponse, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    GotoDefinitionParams, GotoDefinitionResponse, HoverParams, HoverProviderCapability,
    InitializeParams, MessageType, OneOf, PublishDiagnosticsParams, ReferenceParams, RenameParams,
    SaveOptions, ServerCapabilities, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};

use crate::check::CheckOptions;
use crate::error::Error;
use crate::repo::Source;
pub use position::Lines;
use workspace::Workspace;

/// Serves the protocol on standard input and output until the client says `exit`.
/// `cwd` and `config` are `-C` and `--config`: the workspace is the repository holding the
/// client's first workspace folder, else `cwd`.
pub fn run_stdio(cwd: PathBuf, config: Option<PathBuf>) -> std::io::Result<()> {
    let (connection, threads) = Connection::stdio();
    serve(&connection, cwd, config)?;
    drop(connection);
    threads.join()
}

/// Serves the protocol on `connection`: the handshake, then messages until `exit`.
pub fn serve(
    connection: &Connection,
    cwd: PathBuf,
    config: Option<PathBuf>,
) -> std::io::Result<()> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                ["(", "/", "#", "\"", "[", " ", ","]
                    .map(str::to_owned)
                    .to_vec(),
            ),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let capabilities = serde_json::to_value(capabilities).map_err(std::io::Error::other)?;
    let init = connection
        .initialize(capabilities)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let params: InitializeParams = serde_json::from_value(init).unwrap_or_default();
    #[allow(deprecated)] // `rootUri`: what clients without workspace folders send.
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())
        .and_then(file_path)
        .unwrap_or(cwd);
    let options = CheckOptions {
        cwd: root,
        config,
        source: Source::Worktree,
        // Where `check` keeps its caches: the first index of a large repository parses only
        // what changed since, and a hover's history walk reads only new commits.
        history_cache: crate::history_cache::location(None, false, |name| std::env::var_os(name)),
        ..CheckOptions::default()
    };
    let mut server = Server {
        connection,
        options: options.clone(),
        workspace: None,
        paths: Paths {
            root: PathBuf::new(),
        },
    };
    match Workspace::open(options) {
        Ok(ws) => {
            server.paths = Paths::new(ws.root());
            server.workspace = Some(ws);
        }
        Err(e) => server.show_error(&e)?,
    }
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| std::io::Error::other(e.to_string()))?
                {
                    return Ok(());
                }
                let id = request.id.clone();
                // A bug in one request must not take the editor's linter down with it.
                let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    server.request(request)
                }))
                .unwrap_or_else(|_| {
                    Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "docsteward failed on this request".to_owned(),
                    )
                });
                server.send(response.into())?;
            }
            Message::Notification(notification) => {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    server.notification(notification)
                }));
                match outcome {
                    Ok(result) => result?,
                    Err(_) => server.show(
                        MessageType::ERROR,
                        "docsteward failed on a change; its diagnostics may be out of date",
                    )?,
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// Repository-relative paths to and from `file:` URIs.
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    fn new(root: PathBuf) -> Paths {
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        Paths { root }
    }

    /// The repository-relative path of a `file:` URI inside the work tree.
    pub fn path(&self, uri: &Uri) -> Option<String> {
        let full = file_path(uri)?;
        let relative = |full: &Path| {
            full.strip_prefix(&self.root)
                .ok()
                .and_then(|p| p.to_str())
                .map(|p| p.replace('\\', "/"))
        };
        relative(&full).or_else(|| {
            // The client may name the folder through a symbolic link.
            let parent = full.parent()?;
            let name = full.file_name()?;
            relative(&std::fs::canonicalize(parent).ok()?.join(name))
        })
    }

    pub fn uri(&self, path: &str) -> Option<Uri> {
        let root = self.root.to_str()?.trim_end_matches('/');
        let root = crate::report::uri_path(root);
        let path = crate::report::uri_path(path);
        let sep = if root.starts_with('/') { "" } else { "/" };
        Uri::from_str(&format!("file://{sep}{root}/{path}")).ok()
    }
}

/// The file system path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///C:/x` on Windows; `file:///x` elsewhere. A host other than empty or
    // `localhost` names another machine.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()?
        .into_owned();
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if cfg!(windows) && drive.is_ascii_alphabetic() => {
            decoded[1..].to_owned()
        }
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

struct Server<'c> {
    connection: &'c Connection,
    /// What the workspace was opened with, to open it again.
    options: CheckOptions,
    workspace: Option<Workspace>,
    paths: Paths,
}

fn params<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Option<T> {
    serde_json::from_value(value).ok()
}

impl Server<'_> {
    fn send(&self, message: Message) -> std::io::Result<()> {
        self.connection
            .sender
            .send(message)
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }

    fn show(&self, kind: MessageType, message: &str) -> std::io::Result<()> {
        self.send(
            Notification::new(
                ShowMessage::METHOD.to_owned(),
                ShowMessageParams {
                    typ: kind,
                    message: message.to_owned(),
                },
            )
            .into(),
        )
    }

    fn show_error(&self, e: &Error) -> std::io::Result<()> {
        let message = match e.help() {
            Some(help) => format!("docsteward: {e}\nhelp: {help}"),
            None => format!("docsteward: {e}"),
        };
        self.show(MessageType::ERROR, &message)
    }

    /// The repository-relative path and the byte offset of a position in a document.
    fn place(&self, uri: &Uri, position: lsp_types::Position) -> Option<(String, usize)> {
        let ws = self.workspace.as_ref()?;
        let path = self.paths.path(uri)?;
        let offset = Lines::new(ws.document(&path)?.text()).offset(position);
        Some((path, offset))
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            Completion::METHOD => params::<CompletionParams>(request.params).map(|p| {
                let place = &p.text_document_position;
                let items = self
                    .place(&place.text_document.uri, place.position)
                    .and_then(|(path, offset)| {
                        let ws = self.workspace.as_ref()?;
                        Some(features::completion(ws, &path, offset))
                    })
                    .unwrap_or_default();
                to_json(CompletionResponse::Array(items))
            }),
            HoverRequest::METHOD => params::<HoverParams>(request.params).map(|p| {
                let place = &p.text_document_position_params;
                to_json(
                    self.place(&place.text_document.uri, place.position)
                        .and_then(|(path, offset)| {
                            features::hover(self.workspace.as_ref()?, &path, offset)
                        }),
                )
            }),
            GotoDefinition::METHOD => params::<GotoDefinitionParams>(request.params).map(|p| {
                let place = &p.text_document_position_params;
                let found = self
                    .place(&place.text_document.uri, place.position)
                    .and_then(|(path, offset)| {
                        let ws = self.workspace.as_ref()?;
                        Some(features::definition(ws, &self.paths, &path, offset))
                    })
                    .unwrap_or_default();
                match found.len() {
                    0 => serde_json::Value::Null,
                    _ => to_json(GotoDefinitionResponse::Array(found)),
                }
            }),
            References::METHOD => params::<ReferenceParams>(request.params).map(|p| {
                let place = &p.text_document_position;
                to_json(
                    self.place(&place.text_document.uri, place.position)
                        .and_then(|(path, offset)| {
                            let ws = self.workspace.as_ref()?;
                            Some(features::references(ws, &self.paths, &path, offset))
                        })
                        .unwrap_or_default(),
                )
            }),
            Rename::METHOD => match params::<RenameParams>(request.params) {
                Some(p) => {
                    let place = &p.text_document_position;
                    let edit = self
                        .place(&place.text_document.uri, place.position)
                        .ok_or_else(|| "not a document of the knowledge base".to_owned())
                        .and_then(|(path, offset)| {
                            let ws = self.workspace.as_ref().ok_or("no workspace")?;
                            features::rename(ws, &self.paths, &path, offset, &p.new_name)
                        });
                    match edit {
                        Ok(edit) => Some(to_json(edit)),
                        Err(message) => {
                            return Response::new_err(id, ErrorCode::InvalidRequest as i32, message)
                        }
                    }
                }
                None => None,
            },
            CodeActionRequest::METHOD => params::<CodeActionParams>(request.params).map(|p| {
                let actions = (|| {
                    let ws = self.workspace.as_ref()?;
                    let path = self.paths.path(&p.text_document.uri)?;
                    let lines = Lines::new(ws.document(&path)?.text());
                    let span = lines.offset(p.range.start)..lines.offset(p.range.end);
                    Some(features::code_actions(ws, &self.paths, &path, span))
                })()
                .unwrap_or_default();
                to_json(
                    actions
                        .into_iter()
                        .map(CodeActionOrCommand::CodeAction)
                        .collect::<Vec<_>>(),
                )
            }),
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("docsteward does not answer {}", request.method),
                )
            }
        };
        match result {
            Some(value) => Response::new_ok(id, value),
            None => Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                "the parameters do not fit the method".to_owned(),
            ),
        }
    }

    fn notification(&mut self, n: Notification) -> std::io::Result<()> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(p) = params::<DidOpenTextDocumentParams>(n.params) {
                    self.edited(&p.text_document.uri, Some(p.text_document.text), true)?;
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(mut p) = params::<DidChangeTextDocumentParams>(n.params) {
                    // Full synchronisation: the last change holds the whole text.
                    if let Some(change) = p.content_changes.pop() {
                        self.edited(&p.text_document.uri, Some(change.text), false)?;
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(p) = params::<DidCloseTextDocumentParams>(n.params) {
                    self.edited(&p.text_document.uri, None, false)?;
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(p) = params::<DidSaveTextDocumentParams>(n.params) {
                    self.saved(&p.text_document.uri)?;
                }
            }
            DidChangeWatchedFiles::METHOD
                if params::<DidChangeWatchedFilesParams>(n.params).is_some() =>
            {
                self.reload()?;
            }
            _ => {}
        }
        Ok(())
    }

    /// A buffer opened (`history`), changed, or closed (`text` is `None`).
    fn edited(&mut self, uri: &Uri, text: Option<String>, history: bool) -> std::io::Result<()> {
        let Some(path) = self.paths.path(uri) else {
            return Ok(());
        };
        let Some(ws) = self.workspace.as_mut() else {
            return Ok(());
        };
        let closed = text.is_none();
        match text {
            Some(text) => ws.set_buffer(&path, text),
            None => ws.close_buffer(&path),
        }
        let mut results = ws.check(std::slice::from_ref(&path), history);
        // A buffer of a file that is not on disk is gone once closed: so are its findings.
        if closed && !results.iter().any(|(p, _)| *p == path) {
            ws.findings.remove(&path);
            results.push((path, Vec::new()));
        }
        self.publish(results)
    }

    /// A file was written: a document is checked again with history (for its fixes); any
    /// other file (the configuration, a schema, a site's configuration) or a document new to
    /// the work tree reloads the whole workspace.
    fn saved(&mut self, uri: &Uri) -> std::io::Result<()> {
        let Some(path) = self.paths.path(uri) else {
            return Ok(());
        };
        let known = self.workspace.as_ref().map(|ws| {
            ws.in_snapshot(&path)
                && ws.is_document(&path)
                && !path.ends_with(crate::config::FILE_NAME)
        });
        match known {
            Some(true) => {
                let results = self
                    .workspace
                    .as_mut()
                    .map(|ws| ws.check(&[path], true))
                    .unwrap_or_default();
                self.publish(results)
            }
            _ => self.reload(),
        }
    }

    /// Reads the work tree and configuration again and re-checks every open buffer.
    fn reload(&mut self) -> std::io::Result<()> {
        let result = match self.workspace.as_mut() {
            Some(ws) => ws.reload(),
            None => Workspace::open(self.options.clone()).map(|ws| {
                self.paths = Paths::new(ws.root());
                self.workspace = Some(ws);
            }),
        };
        if let Err(e) = result {
            return self.show_error(&e);
        }
        let Some(ws) = self.workspace.as_mut() else {
            return Ok(());
        };
        let open: Vec<String> = ws.buffers().map(str::to_owned).collect();
        let mut results = ws.check(&open, true);
        // What was published before and is no longer found is cleared.
        let stale: Vec<String> = ws
            .findings
            .keys()
            .filter(|p| !results.iter().any(|(r, _)| r == *p))
            .cloned()
            .collect();
        results.extend(ws.check(&stale, false));
        self.publish(results)
    }

    fn publish(&self, results: Vec<(String, Vec<workspace::Finding>)>) -> std::io::Result<()> {
        let Some(ws) = self.workspace.as_ref() else {
            return Ok(());
        };
        for (path, found) in results {
            let Some(uri) = self.paths.uri(&path) else {
                continue;
            };
            let diagnostics: Vec<lsp_types::Diagnostic> = found
                .iter()
                .filter_map(|f| features::diagnostic(ws, &self.paths, f))
                .collect();
            self.send(
                Notification::new(
                    PublishDiagnostics::METHOD.to_owned(),
                    PublishDiagnosticsParams {
                        uri,
                        diagnostics,
                        version: None,
                    },
                )
                .into(),
            )?;
        }
        Ok(())
    }
}

fn to_json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
