//! Counting the event and item types a parser does not know, instead of dropping them
//! silently: the first sign that a CLI release changed its stream.

use crate::model::UnknownEvent;
use serde_json::Value;
use std::collections::BTreeMap;

/// Distinct types kept per run: a stream of ever-new names cannot grow this without bound.
const MAX_TYPES: usize = 32;

/// Longest example kept, in characters.
const MAX_EXAMPLE: usize = 400;

/// The unknown types of one run, with a count and the first line of each.
#[derive(Debug, Default)]
pub(crate) struct Unknowns(BTreeMap<String, (u64, String)>);

impl Unknowns {
    pub(crate) fn note(&mut self, kind: &str, line: &[u8]) {
        if let Some((count, _)) = self.0.get_mut(kind) {
            *count = count.saturating_add(1);
        } else if self.0.len() < MAX_TYPES {
            self.0.insert(kind.to_string(), (1, example(line)));
        }
    }

    pub(crate) fn list(&self) -> Vec<UnknownEvent> {
        self.0
            .iter()
            .map(|(kind, (count, example))| UnknownEvent {
                kind: kind.clone(),
                count: *count,
                example: example.clone(),
            })
            .collect()
    }
}

/// The line as an example: values of fields named like credentials blanked, cut short.
fn example(line: &[u8]) -> String {
    let text = match serde_json::from_slice::<Value>(line.trim_ascii()) {
        Ok(mut value) => {
            blank_secrets(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(line).trim().to_string(),
    };
    if text.chars().count() <= MAX_EXAMPLE {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_EXAMPLE - 1).collect();
    cut.push('…');
    cut
}

fn blank_secrets(value: &mut Value) {
    let secret = |key: &str| {
        let key = key.to_ascii_lowercase();
        ["key", "token", "secret", "password", "authorization", "cookie"].iter().any(|w| key.contains(w))
    };
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                // Counts ("input_tokens") are no secret; strings under such names may be.
                if secret(key) && v.is_string() {
                    *v = Value::String("***".into());
                } else {
                    blank_secrets(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(blank_secrets),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_type_keeps_its_first_line_and_masks_credentials() {
        let mut u = Unknowns::default();
        u.note("brand_new", br#"{"type":"brand_new","api_key":"sk-live-123","input_tokens":5}"#);
        u.note("brand_new", br#"{"type":"brand_new","n":2}"#);
        u.note("system/odd", b"{\"type\":\"system\",\"subtype\":\"odd\"}");
        let list = u.list();
        assert_eq!(list.len(), 2);
        assert_eq!((list[0].kind.as_str(), list[0].count), ("brand_new", 2));
        assert!(
            list[0].example.contains("\"api_key\":\"***\"") && list[0].example.contains("\"input_tokens\":5")
        );
        assert!(!list[0].example.contains("sk-live"));
        assert_eq!(list[1].kind, "system/odd");
        for i in 0..100 {
            u.note(&format!("t{i}"), b"x");
        }
        assert_eq!(u.list().len(), MAX_TYPES);
        let long = vec![b'y'; 5000];
        u = Unknowns::default();
        u.note("long", &long);
        assert_eq!(u.list()[0].example.chars().count(), MAX_EXAMPLE);
    }
}
