//! `{{vars.X}}` and `{{steps.NAME.output}}` in prompts and commands. Variables are filled in as
//! the file is read; step outputs once the step has ended (in the worker).

use std::collections::{BTreeMap, BTreeSet};

/// One `{{…}}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    Var(String),
    Output(String),
}

/// The references in `text`, or what is wrong with them.
pub fn refs(text: &str) -> Result<Vec<Ref>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| "a `{{` is never closed with `}}`".to_string())?;
        let inner = after[..close].trim();
        out.push(parse_ref(inner)?);
        rest = &after[close + 2..];
    }
    Ok(out)
}

fn parse_ref(inner: &str) -> Result<Ref, String> {
    let parts: Vec<&str> = inner.split('.').collect();
    let ident =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match parts.as_slice() {
        ["vars", name] if ident(name) => Ok(Ref::Var(name.to_string())),
        ["steps", name, "output"] if ident(name) => Ok(Ref::Output(name.to_string())),
        _ => Err(format!(
            "unknown template `{{{{{inner}}}}}`: expected {{{{vars.NAME}}}} or {{{{steps.NAME.output}}}}"
        )),
    }
}

/// The steps whose output `text` uses.
pub fn outputs_used(text: &str) -> BTreeSet<String> {
    refs(text)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| match r {
            Ref::Output(step) => Some(step),
            Ref::Var(_) => None,
        })
        .collect()
}

/// Replace the references `fill` knows; keep the others as written (for a later pass).
fn render(text: &str, fill: impl Fn(&Ref) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let whole = &rest[open..open + 2 + close + 2];
        match parse_ref(after[..close].trim()).ok().as_ref().and_then(&fill) {
            Some(value) => out.push_str(&value),
            None => out.push_str(whole),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// Fill in `{{vars.X}}`; an unknown variable is an error.
pub fn render_vars(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    for r in refs(text)? {
        if let Ref::Var(name) = &r
            && !vars.contains_key(name)
        {
            return Err(format!("unknown variable `{name}`: define it in [vars] or pass --var {name}=VALUE"));
        }
    }
    Ok(render(text, |r| match r {
        Ref::Var(name) => vars.get(name).cloned(),
        Ref::Output(_) => None,
    }))
}

/// Fill in `{{steps.NAME.output}}` from the ended steps' outputs.
pub fn render_outputs(text: &str, outputs: &BTreeMap<String, String>) -> String {
    render(text, |r| match r {
        Ref::Output(step) => Some(outputs.get(step).map(|o| o.trim_end().to_string()).unwrap_or_default()),
        Ref::Var(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fills_and_refuses_references() {
        let vars = BTreeMap::from([("topic".to_string(), "auth".to_string())]);
        let text = "Study {{ vars.topic }} using {{steps.research.output}}.";
        assert_eq!(refs(text).unwrap(), vec![Ref::Var("topic".into()), Ref::Output("research".into())]);
        let half = render_vars(text, &vars).unwrap();
        assert_eq!(half, "Study auth using {{steps.research.output}}.");
        let outputs = BTreeMap::from([("research".to_string(), "notes\n".to_string())]);
        assert_eq!(render_outputs(&half, &outputs), "Study auth using notes.");
        assert_eq!(outputs_used(text), BTreeSet::from(["research".to_string()]));
        assert!(render_vars("{{vars.nope}}", &vars).unwrap_err().contains("unknown variable `nope`"));
        assert!(refs("{{steps.a.answer}}").unwrap_err().contains("unknown template"));
        assert!(refs("open {{vars.x").unwrap_err().contains("never closed"));
        assert_eq!(render_vars("no templates", &vars).unwrap(), "no templates");
    }
}
