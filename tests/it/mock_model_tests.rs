//! The mock model server itself (tests/it/common/mock_model), checked over plain HTTP so its
//! behaviour is known even where the real CLIs cannot run.

use crate::mock_model;

use mock_model::{MockModel, Turn};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// POST `body` to `path`; returns the raw response (headers and body) once the server closes.
fn post(mock: &MockModel, path: &str, body: &Value) -> String {
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", mock.port())).expect("connect");
    let body = body.to_string();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).and_then(|_| conn.write_all(body.as_bytes())).expect("send");
    let mut out = Vec::new();
    let _ = conn.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn each_protocol_streams_text_tool_calls_and_usage() {
    let tool = Turn::tool("write_todos", json!({"todos": []})).usage(7, 3);
    let mock = MockModel::start(vec![tool.clone(), tool.clone(), tool.clone(), tool]);
    let streamed = json!({"stream": true, "tools": [{"name": "x"}]});
    let anthropic = post(&mock, "/v1/messages?beta=true", &streamed);
    for want in [
        "event: message_start",
        "\"type\":\"tool_use\"",
        "input_json_delta",
        "\"output_tokens\":3",
        "message_stop",
    ] {
        assert!(anthropic.contains(want), "anthropic lacks {want}: {anthropic}");
    }
    let responses = post(&mock, "/v1/responses", &streamed);
    for want in ["response.created", "\"type\":\"function_call\"", "response.completed", "\"input_tokens\":7"]
    {
        assert!(responses.contains(want), "responses lacks {want}: {responses}");
    }
    let gemini = post(&mock, "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", &json!({}));
    for want in ["\"functionCall\"", "\"finishReason\":\"STOP\"", "\"promptTokenCount\":7"] {
        assert!(gemini.contains(want), "gemini lacks {want}: {gemini}");
    }
    let chat = post(&mock, "/v1/chat/completions", &streamed);
    for want in ["\"tool_calls\"", "\"finish_reason\":\"tool_calls\"", "\"prompt_tokens\":7", "data: [DONE]"]
    {
        assert!(chat.contains(want), "chat lacks {want}: {chat}");
    }
    assert_eq!(mock.turns_left(), 0);
    let log = mock.main_requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].request.target, "/v1/messages?beta=true");
    assert_eq!(log[3].request.json()["stream"], true);
}

#[test]
fn errors_rate_limits_cuts_and_delays() {
    let mock = MockModel::start(vec![
        Turn::rate_limited(7),
        Turn::status(401, "bad key"),
        Turn::text("half of this").cut(),
        Turn::text("late").after(Duration::from_millis(300)),
    ]);
    let body = json!({"stream": true, "tools": [{"name": "x"}]});
    let limited = post(&mock, "/v1/messages", &body);
    assert!(limited.starts_with("HTTP/1.1 429"), "{limited}");
    assert!(limited.contains("retry-after: 7") && limited.contains("rate_limit_error"), "{limited}");
    let denied = post(&mock, "/v1/responses", &body);
    assert!(denied.starts_with("HTTP/1.1 401") && denied.contains("bad key"), "{denied}");
    let cut = post(&mock, "/v1/messages", &body);
    assert!(cut.contains("message_start") && !cut.contains("message_stop"), "{cut}");
    assert!(!cut.ends_with("0\r\n\r\n"), "a cut stream has no last chunk: {cut}");
    let start = Instant::now();
    let late = post(&mock, "/v1/chat/completions", &body);
    assert!(start.elapsed() >= Duration::from_millis(300) && late.contains("late"), "{late}");
    let statuses: Vec<u16> = mock.requests().iter().map(|l| l.status).collect();
    assert_eq!(statuses, vec![429, 401, 200, 200]);
}

#[test]
fn side_requests_do_not_take_turns() {
    let mock = MockModel::start(vec![Turn::text("main")]);
    // Claude Code's title request has no tools; Gemini's JSON checks do not stream.
    let title = post(&mock, "/v1/messages", &json!({"stream": false}));
    assert!(title.contains("Mock session"), "{title}");
    let check = post(&mock, "/v1beta/models/m:generateContent", &json!({}));
    assert!(check.contains("next_speaker"), "{check}");
    assert_eq!(mock.turns_left(), 1);
    assert!(post(&mock, "/v1/unknown", &json!({})).starts_with("HTTP/1.1 404"));
    assert!(mock.requests().iter().filter(|l| l.side).count() == 2);
}
