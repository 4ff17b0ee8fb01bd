//! A mock model server for the real-CLI tests: one port on 127.0.0.1 speaks Anthropic
//! Messages, OpenAI Responses, Gemini `streamGenerateContent` and chat completions, all
//! streaming (SSE). Main requests take the scripted [`Turn`]s in order; side requests (Claude
//! Code's session title, Gemini's unstreamed JSON checks, token counts) get a fitting canned
//! answer. Every request is logged, so a test can check what a CLI sent.
//!
//! ```ignore
//! let mock = MockModel::start(vec![Turn::tool("TaskCreate", json!({...})), Turn::text("Done")]);
//! // point the CLI at mock.url(), run it, then:
//! assert_eq!(mock.main_requests().len(), 2);
//! ```
#![allow(dead_code)]

mod http;
mod protocols;
mod script;

pub use http::Request;
pub use protocols::Protocol;
pub use script::{Failure, Turn};

use script::Ctx;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A request the mock got, and how it was taken.
#[derive(Debug, Clone)]
pub struct Logged {
    pub request: Request,
    pub protocol: Option<Protocol>,
    /// Not a main turn: answered with a canned reply, no scripted turn used.
    pub side: bool,
    /// The HTTP status it was answered with.
    pub status: u16,
    /// When it arrived.
    pub at: std::time::Instant,
}

#[derive(Default)]
struct State {
    turns: VecDeque<Turn>,
    log: Vec<Logged>,
    served: usize,
}

pub struct MockModel {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl MockModel {
    pub fn start(turns: Vec<Turn>) -> MockModel {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the mock model server");
        let port = listener.local_addr().expect("mock address").port();
        let state = Arc::new(Mutex::new(State { turns: turns.into(), ..State::default() }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                std::thread::spawn(move || serve(conn, &st));
            }
        });
        MockModel { port, state, stop }
    }

    /// Append turns to the script (e.g. ones that name paths known only after start).
    pub fn script(&self, turns: Vec<Turn>) {
        if let Ok(mut s) = self.state.lock() {
            s.turns.extend(turns);
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT` (no trailing slash, no version path).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.state.lock().map(|s| s.log.clone()).unwrap_or_default()
    }

    /// The requests that took a scripted turn (or would have, once the script ran out).
    pub fn main_requests(&self) -> Vec<Logged> {
        self.requests().into_iter().filter(|l| l.protocol.is_some() && !l.side).collect()
    }

    /// Scripted turns not used yet.
    pub fn turns_left(&self) -> usize {
        self.state.lock().map(|s| s.turns.len()).unwrap_or(0)
    }

    /// Every request as one line each (method, path, status), for failure messages.
    pub fn describe(&self) -> String {
        self.requests()
            .iter()
            .map(|l| {
                let side = if l.side { " (side)" } else { "" };
                format!("{} {} -> {}{side}", l.request.method, l.request.target, l.status)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for MockModel {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut conn: TcpStream, state: &Mutex<State>) {
    let Ok(request) = http::read_request(&conn) else { return };
    let protocol = Protocol::of_path(request.path());
    let side = protocol.is_some_and(|p| is_side(p, &request));
    let model = model_of(&request);
    let (turn, n) = {
        let Ok(mut s) = state.lock() else { return };
        s.served += 1;
        let turn = match protocol {
            Some(_) if !side => s.turns.pop_front(),
            _ => None,
        };
        let turn = turn.map(|t| t.for_request(&request));
        (turn, s.served)
    };
    let ctx = Ctx { n, model };
    let status = match turn.as_ref().and_then(|t| t.failure.as_ref()) {
        Some(Failure::Status { code, .. } | Failure::Body { code, .. }) => *code,
        _ if protocol.is_none() && !known_other(&request) => 404,
        _ => 200,
    };
    if let Ok(mut s) = state.lock() {
        s.log.push(Logged {
            request: request.clone(),
            protocol,
            side,
            status,
            at: std::time::Instant::now(),
        });
    }
    let _ = match protocol {
        None => other(&mut conn, &request),
        Some(p) if side && streams(p, &request) => answer(&mut conn, p, &side_turn(p, &request), &ctx, true),
        Some(p) if side => http::write_json(&mut conn, 200, &[], &p.whole(&side_turn(p, &request), &ctx)),
        Some(p) => {
            let turn = turn.unwrap_or_else(|| Turn::text("(mock model: no scripted turn left)"));
            answer(&mut conn, p, &turn, &ctx, streams(p, &request))
        }
    };
}

fn answer(conn: &mut TcpStream, p: Protocol, turn: &Turn, ctx: &Ctx, stream: bool) -> std::io::Result<()> {
    std::thread::sleep(turn.delay);
    match &turn.failure {
        Some(Failure::Status { code, headers, message }) => {
            return http::write_json(conn, *code, headers, &p.error_body(*code, message));
        }
        Some(Failure::Body { code, headers, body }) => return http::write_json(conn, *code, headers, body),
        _ => {}
    }
    let cut = matches!(turn.failure, Some(Failure::Cut));
    if !stream {
        let body = p.whole(turn, ctx);
        return if cut { http::write_cut_json(conn, &body) } else { http::write_json(conn, 200, &[], &body) };
    }
    let events = p.stream(turn, ctx);
    let keep = if cut { events.len().div_ceil(2) } else { events.len() };
    let mut out = http::EventStream::start(conn)?;
    for (name, data) in &events[..keep] {
        out.event(*name, data)?;
    }
    if cut {
        // Close without the final chunk: the client sees the stream end mid-way.
        return Ok(());
    }
    out.end()
}

fn streams(p: Protocol, request: &Request) -> bool {
    match p {
        Protocol::Gemini => request.path().contains(":streamGenerateContent"),
        _ => request.json().get("stream").and_then(Value::as_bool).unwrap_or(false),
    }
}

/// Side requests: Claude Code asks for a session title without tools; Gemini CLI's JSON checks
/// use the unstreamed `generateContent`.
fn is_side(p: Protocol, request: &Request) -> bool {
    match p {
        Protocol::Anthropic => {
            request.json().get("tools").and_then(Value::as_array).is_none_or(Vec::is_empty)
        }
        Protocol::Gemini => !request.path().contains(":streamGenerateContent"),
        // OpenCode first asks for a session title: streamed, no tools, and it says "title".
        // (aider's turns have no tools either, but are not streamed here.)
        Protocol::Chat => {
            let body = request.json();
            body.get("tools").and_then(Value::as_array).is_none_or(Vec::is_empty)
                && body.get("stream").and_then(Value::as_bool).unwrap_or(false)
                && body.get("messages").is_some_and(|m| m.to_string().to_lowercase().contains("title"))
        }
        Protocol::Responses => false,
    }
}

/// A canned answer for a side request: JSON that fits the schemas the CLIs ask for.
fn side_turn(p: Protocol, _request: &Request) -> Turn {
    match p {
        Protocol::Gemini => Turn::text(r#"{"next_speaker":"user","reasoning":"The answer is complete."}"#),
        Protocol::Chat => Turn::text("Mock session"),
        _ => Turn::text(r#"{"title":"Mock session","isNewTopic":true}"#),
    }
}

fn model_of(request: &Request) -> String {
    if let Some(m) = request.json().get("model").and_then(Value::as_str) {
        return m.to_string();
    }
    // Gemini names the model in the path: /v1beta/models/NAME:method
    request.path().rsplit('/').next().and_then(|s| s.split(':').next()).unwrap_or("mock").to_string()
}

/// Token counts and model lists some CLIs ask for besides their turns.
fn known_other(request: &Request) -> bool {
    let path = request.path();
    path.ends_with("/count_tokens") || path.contains(":countTokens") || path.ends_with("/models")
}

fn other(conn: &mut TcpStream, request: &Request) -> std::io::Result<()> {
    let path = request.path();
    let (status, body) = if path.ends_with("/count_tokens") {
        (200, json!({"input_tokens": 100}))
    } else if path.contains(":countTokens") {
        (200, json!({"totalTokens": 100}))
    } else if path.ends_with("/models") {
        (200, json!({"object": "list", "data": [], "models": []}))
    } else {
        (404, json!({"error": {"message": format!("mock model: nothing at {path}")}}))
    };
    http::write_json(conn, status, &[], &body)
}
