//! Filesystem events on a policy's folder -> reloads: `notify` reports an
//! edit, the events of the next moment are taken together, and the policy
//! is read and checked again on a blocking thread (`Policy::reload`), which
//! swaps the new version in whole or keeps the last good one.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use notify::Watcher as _;

use crate::policy::{Policy, Reloaded};
use crate::{Shared, StartError};

/// Events this close together are one edit (an editor's write, rename and
/// chmod; a checkout of several files).
const SETTLE: Duration = Duration::from_millis(50);

/// Watches one policy while it lives.
pub struct Watcher {
    _watcher: notify::RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Watcher {
    /// Starts watching `policy`'s folder (a policy file: the folder it is
    /// in); must run inside a Tokio runtime.
    pub fn start(shared: Arc<Shared>, policy: Arc<Policy>) -> Result<Watcher, StartError> {
        let failed = |message: String| StartError::Watch {
            path: policy.path.display().to_string(),
            message,
        };
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| failed(e.to_string()))?;
        let (events, mut edits) = tokio::sync::mpsc::unbounded_channel::<()>();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Reading a file is no edit; an error may hide one.
            if event.map_or(true, |e| !e.kind.is_access()) {
                let _ = events.send(());
            }
        })
        .map_err(|e| failed(e.to_string()))?;
        let (folder, mode) = if policy.path.is_dir() {
            (policy.path.clone(), notify::RecursiveMode::Recursive)
        } else {
            let parent = policy.path.parent().unwrap_or(Path::new("."));
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            (parent.to_path_buf(), notify::RecursiveMode::Recursive)
        };
        watcher.watch(&folder, mode).map_err(|e| failed(e.to_string()))?;
        let task = runtime.spawn(async move {
            while edits.recv().await.is_some() {
                tokio::time::sleep(SETTLE).await;
                while edits.try_recv().is_ok() {}
                reload(&shared, &policy).await;
            }
        });
        Ok(Watcher {
            _watcher: watcher,
            task,
        })
    }
}

/// Reloads `policy` on a blocking thread, counting and logging the result.
pub async fn reload(shared: &Shared, policy: &Arc<Policy>) -> Reloaded {
    let reloading = Arc::clone(policy);
    let Ok(reloaded) = tokio::task::spawn_blocking(move || reloading.reload()).await else {
        tracing::error!(policy = %policy.name, "the reload stopped");
        return Reloaded::Refused;
    };
    let labels = shared.metrics.policy(&policy.name);
    match &reloaded {
        Reloaded::Unchanged => {}
        Reloaded::Swapped(version) => {
            shared.metrics.reloads.get_or_create(&labels).inc();
            tracing::info!(policy = %policy.name, version = %version, "reloaded");
        }
        Reloaded::Refused => {
            shared.metrics.reload_failures.get_or_create(&labels).inc();
            let errors = policy.status().last.map_or(0, |last| last.errors.len());
            tracing::warn!(
                policy = %policy.name,
                errors,
                "the edit does not check; the last good version is still served"
            );
        }
    }
    reloaded
}
