//! The dashboard's flows: what it reads of them, when, and which are collapsed. An `impl App`
//! beside `state`, so the list's grouping keeps its bookkeeping in one place.

use super::flow_rows;
use super::state::{Action, App, RowKey};
use crate::client::flow_view::FlowView;
use crate::flows::FlowState;
use std::collections::BTreeSet;

impl App {
    /// A step of `flow` changed. A new state may end the flow (read it again); a progress
    /// update only changes the flow's bar, unless the list is regrouped anyway.
    pub(super) fn flow_task_changed(&mut self, flow: String, state_changed: bool, regrouped: bool) {
        if !regrouped && let Some(g) = self.groups.iter().position(|g| g.id == flow) {
            let group = &mut self.groups[g];
            let (done, total, percent) =
                flow_rows::progress(&self.tasks, &group.members, self.flows.get(&flow));
            (group.done, group.total, group.percent) = (done, total, percent);
        }
        if state_changed || !self.flows.contains_key(&flow) {
            self.flow_loads.insert(flow);
        }
    }

    /// The flows to read now: the loop sends them to its flow loader after each batch.
    pub fn take_flow_loads(&mut self) -> BTreeSet<String> {
        std::mem::take(&mut self.flow_loads)
    }

    /// Flows read from the database: their names, states and plans regroup the list. Flows no
    /// task on screen belongs to are dropped.
    pub(super) fn flows_loaded(&mut self, flows: Vec<FlowView>) -> Option<Action> {
        for f in flows {
            self.flows.insert(f.id.clone(), f);
        }
        let action = self.refilter();
        let shown: BTreeSet<&str> = self.groups.iter().map(|g| g.id.as_str()).collect();
        self.flows.retain(|id, _| shown.contains(id.as_str()));
        action
    }

    /// At the tick: a flow the database called running whose steps have all ended has probably
    /// ended since it was read; read it again.
    pub(super) fn recheck_flows(&mut self) {
        for g in &self.groups {
            let ended = g.members.iter().all(|&i| self.tasks[i].view.state.is_finished());
            if g.state == Some(FlowState::Running) && ended {
                self.flow_loads.insert(g.id.clone());
            }
        }
    }

    /// The flow of the selected row: the flow itself, or the flow a step belongs to.
    pub fn selected_flow_id(&self) -> Option<String> {
        match &self.selected {
            Some(RowKey::Flow(id)) => Some(id.clone()),
            Some(RowKey::Task(_)) => self.selected_entry().and_then(|e| e.view.flow_id.clone()),
            None => None,
        }
    }

    /// Hide or show the steps of `flow`. Collapsing from one of its steps selects the flow.
    pub(super) fn set_collapsed(&mut self, flow: String, collapse: bool) -> Option<Action> {
        if collapse {
            self.selected = Some(RowKey::Flow(flow.clone()));
            self.collapsed.insert(flow);
        } else {
            self.collapsed.remove(&flow);
        }
        self.refilter()
    }
}
