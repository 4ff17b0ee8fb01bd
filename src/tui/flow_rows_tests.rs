use super::*;
use crate::client::flow_view::StepView;
use crate::flows::OnFailure;
use crate::model::TaskState;
use crate::tui::support::{at, sample};

fn step(flow: &str, name: &str, state: TaskState, progress: Option<f64>, created: i64) -> Entry {
    let mut v = sample(&format!("{flow}-{name}"), state);
    v.description = format!("build it: {}", step_label(name));
    v.flow_id = Some(flow.to_string());
    v.step_name = Some(name.to_string());
    v.progress = progress;
    v.created_at = at(crate::tui::support::NOW - created);
    Entry::new(v)
}

fn plain(id: &str, state: TaskState) -> Entry {
    Entry::new(sample(id, state))
}

fn flow_view(id: &str, state: FlowState, steps: &[(&str, &str)]) -> FlowView {
    FlowView {
        id: id.to_string(),
        name: "build it".to_string(),
        file: "f.toml".to_string(),
        state,
        reason: None,
        attempt: 1,
        progress: 0.0,
        steps_done: 0,
        steps_total: steps.len(),
        created_at: at(0),
        finished_at: None,
        steps: steps
            .iter()
            .map(|(name, state)| StepView {
                name: name.to_string(),
                state: state.to_string(),
                task_id: None,
                progress: None,
                reason: None,
                after: Vec::new(),
                on_failure: OnFailure::Stop,
            })
            .collect(),
        undos: Vec::new(),
    }
}

fn sorted(mut tasks: Vec<Entry>) -> Vec<Entry> {
    tasks.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.view.id.cmp(&b.view.id)));
    tasks
}

fn lines(tasks: &[Entry], g: &Grouped) -> Vec<String> {
    g.rows
        .iter()
        .map(|r| match *r {
            ListRow::Task { index, depth } => {
                format!("{}{}", "  ".repeat(depth.into()), tasks[index].view.id)
            }
            ListRow::Flow { group } => format!("flow {}", g.groups[group].id),
        })
        .collect()
}

#[test]
fn a_flow_is_one_row_with_its_steps_beneath_in_plan_order() {
    let tasks = sorted(vec![
        plain("solo01", TaskState::Pending),
        step("f1", "test", TaskState::Pending, None, 100),
        step("f1", "build", TaskState::Running, Some(50.0), 300),
        step("f1", "lint", TaskState::Completed, None, 200),
        plain("solo02", TaskState::Completed),
    ]);
    let flows = HashMap::from([(
        "f1".to_string(),
        flow_view(
            "f1",
            FlowState::Running,
            &[("lint", "completed"), ("build", "running"), ("test", "pending"), ("ship", "waiting")],
        ),
    )]);
    let g = arrange(&tasks, &flows, &HashSet::new(), "");
    // The flow sorts with its running step, ahead of the pending task.
    assert_eq!(lines(&tasks, &g), ["flow f1", "  f1-lint", "  f1-build", "  f1-test", "solo01", "solo02"]);
    let f = &g.groups[0];
    assert_eq!((f.name.as_str(), f.state), ("build it", Some(FlowState::Running)));
    // lint done (1) + build half (0.5) + test and the never-queued ship (0) of 4 steps.
    assert_eq!((f.done, f.total, f.percent), (1, 4, 37.5));
}

#[test]
fn before_the_flow_is_read_its_name_and_progress_come_from_its_steps() {
    let tasks = sorted(vec![
        step("f2", "a", TaskState::Completed, None, 20),
        step("f2", "b", TaskState::Running, Some(20.0), 10),
        step("f2", "undo:1:a", TaskState::Running, None, 5),
    ]);
    let g = arrange(&tasks, &HashMap::new(), &HashSet::new(), "");
    let f = &g.groups[0];
    assert_eq!((f.name.as_str(), f.state), ("build it", None));
    // The undo task is not a step: 1 + 0.2 of 2.
    assert_eq!((f.done, f.total, f.percent), (1, 2, 60.0));
    // Undo tasks come after the steps.
    assert_eq!(lines(&tasks, &g), ["flow f2", "  f2-a", "  f2-b", "  f2-undo:1:a"]);
}

#[test]
fn an_ended_flow_counts_its_never_queued_steps_done() {
    let tasks = sorted(vec![step("f3", "a", TaskState::Failed, None, 10)]);
    let flows = HashMap::from([(
        "f3".to_string(),
        flow_view("f3", FlowState::Failed, &[("a", "failed"), ("b", "cancelled")]),
    )]);
    let g = arrange(&tasks, &flows, &HashSet::new(), "");
    assert_eq!((g.groups[0].done, g.groups[0].total, g.groups[0].percent), (2, 2, 100.0));
    assert!(g.groups[0].ended());
}

#[test]
fn a_collapsed_flow_hides_its_steps_and_the_filter_keeps_matching_steps() {
    let tasks = sorted(vec![
        step("f4", "alpha", TaskState::Running, None, 10),
        step("f4", "beta", TaskState::Pending, None, 5),
        plain("other1", TaskState::Pending),
    ]);
    let none = HashMap::new();
    let collapsed = HashSet::from(["f4".to_string()]);
    assert_eq!(lines(&tasks, &arrange(&tasks, &none, &collapsed, "")), ["flow f4", "other1"]);
    // A step matches: the flow shows with that step only.
    assert_eq!(lines(&tasks, &arrange(&tasks, &none, &HashSet::new(), "beta")), ["flow f4", "  f4-beta"]);
    // The flow's name matches: all its steps show.
    assert_eq!(
        lines(&tasks, &arrange(&tasks, &none, &HashSet::new(), "build")),
        ["flow f4", "  f4-alpha", "  f4-beta"]
    );
    assert_eq!(lines(&tasks, &arrange(&tasks, &none, &HashSet::new(), "other")), ["other1"]);
}

#[test]
fn step_weights_follow_flow_status() {
    assert_eq!(step_weight("running", Some(250.0)), 1.0);
    assert_eq!(step_weight("running", Some(f64::NAN)), 0.0);
    assert_eq!(step_weight("waiting", None), 0.0);
    assert_eq!(weighted([]), (0, 0, 100.0));
    assert_eq!(weighted([1.0, 0.0, 1.0 / 3.0]), (1, 3, 44.4));
    assert_eq!(step_label("undo:2:deploy"), "undo deploy");
}
