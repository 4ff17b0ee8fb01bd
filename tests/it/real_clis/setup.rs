//! Finding (or installing) the pinned agent CLIs, and a private world per run: a HOME with the
//! CLI's offline settings, a git repository to work in, and the environment that points the
//! CLI at the mock model server.

use crate::mock_model::MockModel;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Set by `.ci/run`: the folder `.ci/install-agent-clis` installed the CLIs into.
pub const ENV_DIR: &str = "SMART_AGENTS_REAL_CLIS";

/// The CLIs the lane runs (each pinned in .ci/agent-cli-pins).
pub const NAMES: [&str; 5] = ["claude", "codex", "gemini", "aider", "opencode"];

/// Where each CLI's executable sits inside the install folder.
fn bin_of(name: &str) -> String {
    match name {
        "aider" => "aider/bin".to_string(),
        npm => format!("{npm}/node_modules/.bin"),
    }
}

/// The install folder: the env var, else the default cache folder after running the
/// installer once (it skips what is already there). `Err` says why there is none.
fn install_dir() -> &'static Result<PathBuf, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os(ENV_DIR) {
            return Ok(PathBuf::from(dir));
        }
        let script: PathBuf = [env!("CARGO_MANIFEST_DIR"), ".ci", "install-agent-clis"].iter().collect();
        let out = std::process::Command::new(&script)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout.lines().last().filter(|_| out.status.success()) {
            Some(dir) => Ok(PathBuf::from(dir.trim())),
            None => Err(format!(
                "{} could not install any agent CLI:\n{}",
                script.display(),
                String::from_utf8_lossy(&out.stderr)
            )),
        }
    })
}

/// The folder holding `name`'s executable, or `None` after saying loudly why the lane skips.
/// In CI (`SMART_AGENTS_REAL_CLIS` set) a missing CLI is a failure, not a skip.
pub fn cli_bin(name: &str) -> Option<PathBuf> {
    let dir = match install_dir() {
        Ok(dir) => dir.join(bin_of(name)),
        Err(why) => {
            eprintln!("\n!!!!! REAL-CLI LANE SKIPPED ({name}): {why}\n");
            return None;
        }
    };
    let program = if name == "aider" { "aider" } else { name };
    if dir.join(program).exists() {
        return Some(dir);
    }
    // The installer leaves NAME.FAILED when the registry could not give the package.
    let failed = install_dir()
        .as_ref()
        .ok()
        .and_then(|d| std::fs::read_to_string(d.join(format!("{name}.FAILED"))).ok());
    let why = match failed {
        Some(why) => format!("{name} could not be installed: {why}"),
        None => {
            let why = format!("{name} is not installed in {}", dir.display());
            assert!(std::env::var_os(ENV_DIR).is_none(), "{why} ({ENV_DIR} is set, so the lane must run)");
            why
        }
    };
    eprintln!("\n!!!!! REAL-CLI LANE SKIPPED ({name}): {why}; run .ci/install-agent-clis\n");
    None
}

/// One run's private world.
pub struct World {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl World {
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The git repository the agent works in.
    pub fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    pub fn env_refs(&self) -> Vec<(&str, &str)> {
        self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn git(repo: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "git {args:?} failed in {}", repo.display());
}

/// A world for `name` pointed at `mock` (or at `base_url` when given, e.g. a closed port).
pub fn world(
    name: &str,
    bin: &Path,
    mock: &MockModel,
    base_url: Option<&str>,
    settings: Option<&str>,
) -> World {
    // Not under /tmp: Codex's bubblewrap sandbox gives the agent a private /tmp, so a
    // repository there is out of its reach and its edits fail (as a user's would not). A
    // checkout under /tmp puts its worlds in the CI cache folder instead.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let base = if target.starts_with("/tmp") {
        crate::common::ci_tools::cache_dir().join("worlds")
    } else {
        target.to_path_buf()
    };
    std::fs::create_dir_all(&base).expect("worlds folder");
    let dir = tempfile::Builder::new().prefix("sarc").tempdir_in(&base).expect("temp dir");
    let home = dir.path().join("home");
    let repo = dir.path().join("repo");
    write(&repo.join("README.md"), "# demo\n");
    git(&repo, &["init", "-q"]);
    git(&repo, &["-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"]);
    git(&repo, &["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"]);
    let url = base_url.map_or_else(|| mock.url(), str::to_string);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), home.display().to_string()),
        ("PATH".into(), path),
        ("NO_COLOR".into(), "1".into()),
    ];
    let mut set = |k: &str, v: &str| env.push((k.to_string(), v.to_string()));
    match name {
        "claude" => {
            set("ANTHROPIC_BASE_URL", &url);
            set("ANTHROPIC_API_KEY", "mock-key");
            for k in ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "DISABLE_TELEMETRY", "DISABLE_AUTOUPDATER"]
            {
                set(k, "1");
            }
            set("CLAUDE_CODE_MAX_RETRIES", "0");
        }
        "codex" => {
            let codex_home = home.join(".codex");
            write(&codex_home.join("config.toml"), &codex_config(&url));
            set("CODEX_HOME", &codex_home.display().to_string());
            set("OPENAI_API_KEY", "mock-key");
        }
        "gemini" => {
            write(&home.join(".gemini/settings.json"), settings.unwrap_or(GEMINI_SETTINGS));
            set("GEMINI_API_KEY", "mock-key");
            set("GOOGLE_GEMINI_BASE_URL", &url);
        }
        "opencode" => {
            write(&home.join(".config/opencode/opencode.json"), &opencode_config(&url));
            set("OPENCODE_DISABLE_MODELS_FETCH", "1");
        }
        _ => {
            set("OPENAI_API_KEY", "mock-key");
            set("LITELLM_LOCAL_MODEL_COST_MAP", "True");
            write(&home.join("model-metadata.json"), AIDER_METADATA);
        }
    }
    World { dir, env }
}

fn codex_config(url: &str) -> String {
    format!(
        "model = \"gpt-5.5\"\nmodel_provider = \"mock\"\ncheck_for_update_on_startup = false\n\n\
         [model_providers.mock]\nname = \"mock\"\nbase_url = \"{url}/v1\"\nwire_api = \"responses\"\n\
         env_key = \"OPENAI_API_KEY\"\n\
         request_max_retries = 0\nstream_max_retries = 0\n\n[analytics]\nenabled = false\n\n[feedback]\nenabled = false\n\n\
         [features]\napps = false\nplugins = false\nremote_plugin = false\nplugin_sharing = false\n\
         in_app_updates = false\nskill_mcp_dependency_install = false\n\n[tools.update_plan]\nenabled = true\n"
    )
}

/// OpenCode's provider for the mock's chat-completions endpoint (its provider package is bundled).
fn opencode_config(url: &str) -> String {
    serde_json::json!({"provider": {"mock": {"npm": "@ai-sdk/openai-compatible", "name": "Mock",
        "options": {"baseURL": format!("{url}/v1"), "apiKey": "mock-key"},
        "models": {"mock": {"name": "mock", "tool_call": true}}}}})
    .to_string()
}

const GEMINI_SETTINGS: &str = r#"{
  "security": {"auth": {"selectedType": "gemini-api-key"}, "folderTrust": {"enabled": false}},
  "privacy": {"usageStatisticsEnabled": false},
  "general": {"enableAutoUpdate": false, "maxAttempts": 1, "retryFetchErrors": false},
  "telemetry": {"enabled": false}
}"#;

/// Prices for aider's mock model, so it computes a cost without fetching a price list.
const AIDER_METADATA: &str = r#"{"openai/mock": {"max_tokens": 8192, "max_input_tokens": 128000,
  "max_output_tokens": 8192, "input_cost_per_token": 0.000002, "output_cost_per_token": 0.00001,
  "litellm_provider": "openai", "mode": "chat"}}"#;

/// The agent profile for `name` in config.toml: model and the flags the mock needs.
pub fn profile(name: &str, world: &World, url: &str) -> String {
    match name {
        "gemini" => "[agents.gemini]\nmodel = \"gemini-2.5-pro\"\n".to_string(),
        "opencode" => "[agents.opencode]\nmodel = \"mock/mock\"\n".to_string(),
        "aider" => format!(
            "[agents.aider]\nmodel = \"openai/mock\"\nargs = [\"--openai-api-base\", \"{url}/v1\", \
             \"--no-show-model-warnings\", \"--no-show-release-notes\", \"--model-metadata-file\", \"{}\"]\n",
            world.home().join("model-metadata.json").display()
        ),
        _ => String::new(),
    }
}
