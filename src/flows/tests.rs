use super::saga::{Next, Seen, next};
use super::*;
use crate::model::TaskState;
use std::collections::HashMap;

const GOOD: &str = r#"name = "research then build"
[vars]
topic = "auth"

[[steps]]
name = "research"
prompt = "Research {{vars.topic}}"
undo = "git checkout ."

[[steps]]
name = "build"
command = ["echo", "{{steps.research.output}}"]
on_failure = "continue"
mem = "512M"
on = "local"
"#;

fn err(text: &str) -> String {
    parse("f.toml", text, &BTreeMap::new()).unwrap_err()
}

#[test]
fn reads_a_flow_with_vars_outputs_and_options() {
    let vars = BTreeMap::from([("topic".to_string(), "billing".to_string())]);
    let plan = parse("f.toml", GOOD, &vars).unwrap();
    assert_eq!(plan.steps[0].action.prompt.as_deref(), Some("Research billing"));
    assert_eq!(plan.steps[0].undo.as_ref().unwrap().command, ["sh", "-c", "git checkout ."]);
    // Using research's output makes build run after it.
    assert_eq!(plan.steps[1].after, ["research"]);
    assert_eq!(plan.steps[1].on_failure, OnFailure::Continue);
    assert_eq!(plan.steps[1].action.mem_bytes, Some(512 << 20));
    assert_eq!(plan.steps[1].action.on.as_deref(), Some("local"));
}

#[test]
fn refuses_bad_files_with_their_line() {
    assert!(
        err("name = \"x\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\ncolour = 1\n")
            .starts_with("f.toml:5:")
    );
    let unknown_after = "name = \"x\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\nafter = [\"zz\"]\n";
    let e = err(unknown_after);
    assert!(e.starts_with("f.toml:5:") && e.contains("`zz`"), "{e}");
    let cyclic = "name = \"x\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\nafter = [\"b\"]\n\
                  [[steps]]\nname = \"b\"\ncommand = \"true\"\nafter = [\"a\"]\n";
    assert!(err(cyclic).contains("cycle"), "{}", err(cyclic));
    let bad_template = "name = \"x\"\n[[steps]]\nname = \"a\"\n\nprompt = \"{{steps.a.answer}}\"\n";
    assert!(err(bad_template).starts_with("f.toml:5:"), "{}", err(bad_template));
    let unknown_var = "name = \"x\"\n[[steps]]\nname = \"a\"\nprompt = \"{{vars.nope}}\"\n";
    assert!(err(unknown_var).contains("unknown variable `nope`"));
    let both = "name = \"x\"\n[[steps]]\nname = \"a\"\nprompt = \"p\"\ncommand = \"true\"\n";
    assert!(err(both).contains("both a prompt and a command"));
    let on_failure = "name = \"x\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\non_failure = \"retry\"\n";
    assert!(err(on_failure).starts_with("f.toml:5:"), "{}", err(on_failure));
}

fn seen(state: TaskState, at: i64) -> Seen {
    Seen { state, finished_at: state.is_finished().then_some(at), reason: None }
}

fn plan(text: &str) -> Plan {
    parse("f.toml", text, &BTreeMap::new()).unwrap()
}

const SAGA: &str = r#"name = "saga"
[[steps]]
name = "a"
command = "true"
undo = "undo a"
[[steps]]
name = "b"
command = "true"
undo = "undo b"
[[steps]]
name = "c"
command = "false"
after = ["a", "b"]
[[steps]]
name = "d"
command = "true"
after = ["c"]
"#;

#[test]
fn queues_what_is_ready_then_ends() {
    let p = plan(SAGA);
    let none = HashMap::new();
    assert_eq!(next(&p, &none, &none).queue, ["a", "b"]);
    let mut steps = HashMap::from([("a".to_string(), seen(TaskState::Completed, 1))]);
    steps.insert("b".into(), seen(TaskState::Running, 0));
    assert!(next(&p, &steps, &none).queue.is_empty(), "c waits for b");
    steps.insert("b".into(), seen(TaskState::Completed, 2));
    assert_eq!(next(&p, &steps, &none).queue, ["c"]);
    steps.insert("c".into(), seen(TaskState::Completed, 3));
    steps.insert("d".into(), seen(TaskState::Completed, 4));
    assert_eq!(next(&p, &steps, &none).end, Some((FlowState::Completed, None)));
}

#[test]
fn a_stop_failure_cancels_then_undoes_in_reverse_order() {
    let p = plan(SAGA);
    // b completed before a: a is undone first.
    let mut steps = HashMap::from([
        ("a".to_string(), seen(TaskState::Completed, 5)),
        ("b".to_string(), seen(TaskState::Completed, 2)),
        ("c".to_string(), Seen { reason: Some("exited with code 1".into()), ..seen(TaskState::Failed, 6) }),
    ]);
    let mut undos = HashMap::new();
    assert_eq!(next(&p, &steps, &undos).undo.as_deref(), Some("a"));
    undos.insert("a".to_string(), seen(TaskState::Running, 0));
    assert_eq!(next(&p, &steps, &undos), Next::default(), "one undo at a time");
    undos.insert("a".to_string(), seen(TaskState::Completed, 7));
    assert_eq!(next(&p, &steps, &undos).undo.as_deref(), Some("b"));
    undos.insert("b".to_string(), seen(TaskState::Failed, 8));
    let (state, reason) = next(&p, &steps, &undos).end.unwrap();
    assert_eq!(state, FlowState::Failed);
    assert_eq!(reason.unwrap(), "step c failed (exited with code 1); undone: a; undo failed: b");
    // A pending step is cancelled before anything is undone.
    steps.insert("d".into(), seen(TaskState::Pending, 0));
    assert_eq!(next(&p, &steps, &HashMap::new()).cancel, ["d"]);
}

#[test]
fn a_continue_failure_lets_the_rest_run() {
    let p = plan(&SAGA.replace("command = \"false\"", "command = \"false\"\non_failure = \"continue\""));
    let mut steps = HashMap::from([
        ("a".to_string(), seen(TaskState::Completed, 1)),
        ("b".to_string(), seen(TaskState::Completed, 2)),
        ("c".to_string(), seen(TaskState::Failed, 3)),
    ]);
    assert_eq!(next(&p, &steps, &HashMap::new()).queue, ["d"]);
    steps.insert("d".into(), seen(TaskState::Completed, 4));
    let (state, reason) = next(&p, &steps, &HashMap::new()).end.unwrap();
    assert_eq!(state, FlowState::Completed);
    assert!(reason.unwrap().contains("let go: c"));
}
