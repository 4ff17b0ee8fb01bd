//! The four wire formats the CLIs speak, each as: the events of a streamed reply, a whole
//! (non-streamed) reply, and an error body.

use super::script::{Ctx, Event, Part, Turn};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `POST /v1/messages` (Claude Code).
    Anthropic,
    /// `POST /v1/responses` (Codex).
    Responses,
    /// `POST /v1beta/models/M:streamGenerateContent` (Gemini CLI); `:generateContent` unstreamed.
    Gemini,
    /// `POST /v1/chat/completions` (aider).
    Chat,
}

impl Protocol {
    pub fn of_path(path: &str) -> Option<Protocol> {
        if path.ends_with("/messages") {
            Some(Protocol::Anthropic)
        } else if path.ends_with("/responses") {
            Some(Protocol::Responses)
        } else if path.contains(":streamGenerateContent") || path.contains(":generateContent") {
            Some(Protocol::Gemini)
        } else if path.ends_with("/chat/completions") {
            Some(Protocol::Chat)
        } else {
            None
        }
    }

    pub fn stream(self, turn: &Turn, ctx: &Ctx) -> Vec<Event> {
        match self {
            Protocol::Anthropic => anthropic(turn, ctx),
            Protocol::Responses => responses(turn, ctx),
            Protocol::Gemini => gemini_stream(turn, ctx),
            Protocol::Chat => chat(turn, ctx),
        }
    }

    /// The reply as one JSON body, for requests that do not stream.
    pub fn whole(self, turn: &Turn, ctx: &Ctx) -> Value {
        match self {
            Protocol::Gemini => gemini_chunk(turn, ctx),
            Protocol::Chat => json!({
                "id": format!("chatcmpl-{}", ctx.n), "object": "chat.completion", "model": ctx.model,
                "choices": [{"index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": turn.text_joined()}}],
                "usage": chat_usage(turn),
            }),
            Protocol::Anthropic => json!({
                "id": format!("msg_mock{}", ctx.n), "type": "message", "role": "assistant",
                "model": ctx.model, "stop_reason": "end_turn",
                "content": [{"type": "text", "text": turn.text_joined()}],
                "usage": {"input_tokens": turn.input_tokens, "output_tokens": turn.output_tokens},
            }),
            Protocol::Responses => json!({"id": format!("resp_{}", ctx.n), "status": "completed",
                "output": [message_item(ctx, &turn.text_joined(), "completed")]}),
        }
    }

    pub fn error_body(self, code: u16, message: &str) -> Value {
        match self {
            Protocol::Anthropic => {
                let kind = match code {
                    401 => "authentication_error",
                    429 => "rate_limit_error",
                    529 => "overloaded_error",
                    _ => "api_error",
                };
                json!({"type": "error", "error": {"type": kind, "message": message}})
            }
            Protocol::Gemini => {
                let status = match code {
                    401 => "UNAUTHENTICATED",
                    429 => "RESOURCE_EXHAUSTED",
                    _ => "INTERNAL",
                };
                json!({"error": {"code": code, "message": message, "status": status}})
            }
            Protocol::Responses | Protocol::Chat => {
                let kind = if code == 429 { "rate_limit_exceeded" } else { "server_error" };
                json!({"error": {"message": message, "type": kind, "code": kind}})
            }
        }
    }
}

fn anthropic(turn: &Turn, ctx: &Ctx) -> Vec<Event> {
    let ev = |name: &'static str, v: Value| (Some(name), v.to_string());
    let mut out = vec![ev(
        "message_start",
        json!({"type": "message_start", "message": {"id": format!("msg_mock{}", ctx.n), "type": "message",
            "role": "assistant", "model": ctx.model, "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": turn.input_tokens, "output_tokens": 1}}}),
    )];
    for (i, part) in turn.parts.iter().enumerate() {
        let (block, delta) = match part {
            Part::Custom { .. } => continue,
            Part::Text(t) => (json!({"type": "text", "text": ""}), json!({"type": "text_delta", "text": t})),
            Part::Tool { name, input } => (
                json!({"type": "tool_use", "id": format!("toolu_mock{}_{i}", ctx.n), "name": name, "input": {}}),
                json!({"type": "input_json_delta", "partial_json": input.to_string()}),
            ),
        };
        out.push(ev(
            "content_block_start",
            json!({"type": "content_block_start", "index": i, "content_block": block}),
        ));
        out.push(ev(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": i, "delta": delta}),
        ));
        out.push(ev("content_block_stop", json!({"type": "content_block_stop", "index": i})));
    }
    let stop = if turn.has_tools() { "tool_use" } else { "end_turn" };
    out.push(ev(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null},
            "usage": {"output_tokens": turn.output_tokens}}),
    ));
    out.push(ev("message_stop", json!({"type": "message_stop"})));
    out
}

fn message_item(ctx: &Ctx, text: &str, status: &str) -> Value {
    json!({"type": "message", "id": format!("msg_{}", ctx.n), "role": "assistant", "status": status,
        "content": [{"type": "output_text", "text": text, "annotations": []}]})
}

fn responses(turn: &Turn, ctx: &Ctx) -> Vec<Event> {
    let mut seq = 0;
    let mut ev = |name: &'static str, mut v: Value| {
        v["type"] = json!(name);
        v["sequence_number"] = json!(seq);
        seq += 1;
        (Some(name), v.to_string())
    };
    let id = format!("resp_{}", ctx.n);
    let head =
        json!({"id": id, "object": "response", "status": "in_progress", "model": ctx.model, "output": []});
    let mut out = vec![ev("response.created", json!({"response": head}))];
    let mut items = Vec::new();
    for (i, part) in turn.parts.iter().enumerate() {
        let done = match part {
            Part::Text(t) => {
                out.push(ev(
                    "response.output_item.added",
                    json!({"output_index": i, "item": message_item(ctx, "", "in_progress")}),
                ));
                out.push(ev(
                    "response.output_text.delta",
                    json!({"output_index": i, "content_index": 0,
                    "item_id": format!("msg_{}", ctx.n), "delta": t}),
                ));
                message_item(ctx, t, "completed")
            }
            Part::Tool { name, input } => json!({"type": "function_call", "id": format!("fc_{}_{i}", ctx.n),
                "call_id": format!("call_{}_{i}", ctx.n), "name": name, "arguments": input.to_string(),
                "status": "completed"}),
            Part::Custom { name, input } => {
                json!({"type": "custom_tool_call", "id": format!("ctc_{}_{i}", ctx.n),
                "call_id": format!("call_{}_{i}", ctx.n), "name": name, "input": input, "status": "completed"})
            }
        };
        out.push(ev("response.output_item.done", json!({"output_index": i, "item": done})));
        items.push(done);
    }
    let usage = json!({"input_tokens": turn.input_tokens, "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": turn.output_tokens, "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": turn.input_tokens + turn.output_tokens});
    let done = json!({"id": id, "object": "response", "status": "completed", "model": ctx.model,
        "output": items, "usage": usage});
    out.push(ev("response.completed", json!({"response": done})));
    out
}

fn gemini_chunk(turn: &Turn, ctx: &Ctx) -> Value {
    let parts: Vec<Value> = turn
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Custom { .. } => None,
            Part::Text(t) => Some(json!({"text": t})),
            Part::Tool { name, input } => Some(json!({"functionCall": {"name": name, "args": input}})),
        })
        .collect();
    json!({"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": turn.input_tokens, "candidatesTokenCount": turn.output_tokens,
            "totalTokenCount": turn.input_tokens + turn.output_tokens},
        "modelVersion": ctx.model, "responseId": format!("mock-{}", ctx.n)})
}

/// One chunk per part, then a last one with the finish reason and usage, so a cut stream
/// lacks the finish reason as a real cut would.
fn gemini_stream(turn: &Turn, ctx: &Ctx) -> Vec<Event> {
    let whole = gemini_chunk(turn, ctx);
    let parts = whole["candidates"][0]["content"]["parts"].as_array().cloned().unwrap_or_default();
    let mut out: Vec<Event> = parts
        .into_iter()
        .map(|part| {
            let chunk = json!({"candidates": [{"content": {"role": "model", "parts": [part]}, "index": 0}],
                "modelVersion": ctx.model, "responseId": format!("mock-{}", ctx.n)});
            (None, chunk.to_string())
        })
        .collect();
    let mut last = whole;
    last["candidates"][0]["content"]["parts"] = json!([{"text": ""}]);
    out.push((None, last.to_string()));
    out
}

fn chat_usage(turn: &Turn) -> Value {
    json!({"prompt_tokens": turn.input_tokens, "completion_tokens": turn.output_tokens,
        "total_tokens": turn.input_tokens + turn.output_tokens})
}

fn chat(turn: &Turn, ctx: &Ctx) -> Vec<Event> {
    let chunk = |delta: Value, finish: Value| {
        let v = json!({"id": format!("chatcmpl-{}", ctx.n), "object": "chat.completion.chunk", "created": 0,
            "model": ctx.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        (None, v.to_string())
    };
    let mut out = vec![chunk(json!({"role": "assistant", "content": ""}), Value::Null)];
    for (i, part) in turn.parts.iter().enumerate() {
        out.push(match part {
            Part::Custom { .. } => continue,
            Part::Text(t) => chunk(json!({"content": t}), Value::Null),
            Part::Tool { name, input } => chunk(
                json!({"tool_calls": [{"index": i, "id": format!("call_{}_{i}", ctx.n), "type": "function",
                    "function": {"name": name, "arguments": input.to_string()}}]}),
                Value::Null,
            ),
        });
    }
    let finish = if turn.has_tools() { "tool_calls" } else { "stop" };
    out.push(chunk(json!({}), json!(finish)));
    let usage = json!({"id": format!("chatcmpl-{}", ctx.n), "object": "chat.completion.chunk",
        "model": ctx.model, "choices": [], "usage": chat_usage(turn)});
    out.push((None, usage.to_string()));
    out.push((None, "[DONE]".to_string()));
    out
}
