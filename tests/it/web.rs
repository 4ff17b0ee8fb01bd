//! `smart-agents web`: token auth (no token, wrong token, rate limit, cookie, bearer), CSRF,
//! read-only, the refusal to serve beyond loopback without an explicit token, and a real
//! browser (tests/web/browser.py: chromium over WebDriver) watching a task live and cancelling it.

use crate::common;

use common::{BIN, Home, LONG};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

/// A `smart-agents web` in the background, stopped when dropped.
struct Server {
    child: std::process::Child,
    /// `127.0.0.1:PORT`
    addr: String,
    /// What it printed first: the login URL or where the token is.
    banner: String,
    /// Kept open: a closed pipe would end the server at its next line.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    fn start(home: &Home, extra: &[&str]) -> Server {
        let mut args = vec!["web", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = home.spawn(&args);
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut banner = String::new();
        out.read_line(&mut banner).expect("read the banner");
        let addr =
            banner.split("http://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_default().to_string();
        assert!(!addr.is_empty(), "no address in {banner:?}");
        Server { child, addr, banner, _stdout: out }
    }

    fn token(&self) -> String {
        self.banner.split("token=").nth(1).expect("a login URL").trim().to_string()
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        http(&self.addr, "GET", path, headers, "")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }
}

/// One HTTP/1.1 request on its own connection.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Answer { status, head: head.to_string(), body: body.to_string() }
}

fn running_task(home: &Home, description: &str) -> String {
    let id = home.submit_with(&[description], &["sleep", "300"]);
    home.wait_state(&id, "running", LONG);
    id
}

#[test]
fn every_path_needs_the_token_and_a_made_token_is_kept_private() {
    let home = Home::new();
    let id = running_task(&home, "Secret plans");
    let server = Server::start(&home, &[]);
    let token = server.token();
    let file = home.path().join("web.token");
    assert_eq!(std::fs::metadata(&file).expect("token file").permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&file).expect("token").trim(), token);

    // No token: pages go to the login page, which shows no task; anything else is 401.
    let list = server.get("/", &[]);
    assert_eq!((list.status, list.header("location").as_deref()), (303, Some("/login")), "{list:?}");
    for path in [format!("/tasks/{id}"), "/events".into(), "/assets/app.js".into(), "/nothing".into()] {
        let answer = server.get(&path, &[]);
        assert!(matches!(answer.status, 303 | 401), "{path}: {answer:?}");
        assert!(!answer.body.contains("Secret plans"), "{path}: {answer:?}");
    }
    assert_eq!(server.get("/events", &[]).status, 401);
    let login = server.get("/login", &[]);
    assert_eq!(login.status, 200);
    assert!(!login.body.contains("Secret plans") && !login.body.contains(&id), "{login:?}");

    // The right token as a bearer, or once at /login for a cookie that is not the token.
    let bearer = format!("Bearer {token}");
    let page = server.get("/", &[("Authorization", &bearer)]);
    assert!(page.status == 200 && page.body.contains("Secret plans"), "{page:?}");
    let logged = server.get(&format!("/login?token={token}"), &[]);
    assert_eq!((logged.status, logged.header("location").as_deref()), (303, Some("/")), "{logged:?}");
    let cookie = logged.header("set-cookie").expect("a cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains(&token), "the cookie echoes the token: {cookie}");
    let session = cookie.split(';').next().expect("name=value").to_string();
    let page = server.get(&format!("/tasks/{id}"), &[("Cookie", &session)]);
    assert!(page.status == 200 && page.body.contains(">Cancel</button>"), "{page:?}");
    assert!(!page.body.contains(&token), "the page echoes the token");
    assert!(page.header("content-security-policy").is_some_and(|c| c.contains("script-src 'self'")));
}

#[test]
fn wrong_tokens_are_refused_then_rate_limited() {
    let home = Home::new();
    running_task(&home, "Secret plans");
    let server = Server::start(&home, &[]);
    let wrong = server.get("/login?token=nope", &[]);
    assert_eq!(wrong.status, 401, "{wrong:?}");
    assert!(!wrong.body.contains("Secret plans"));
    assert_eq!(server.get("/", &[("Authorization", "Bearer nope")]).status, 401);
    assert_eq!(server.get("/", &[("Cookie", "sa_session=nope")]).status, 401);
    let statuses: Vec<u16> =
        (0..12).map(|_| server.get("/", &[("Authorization", "Bearer guess")]).status).collect();
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(server.get("/login?token=guess", &[]).status, 429);
    // The holder of the right token still gets in.
    let bearer = format!("Bearer {}", server.token());
    assert_eq!(server.get("/", &[("Authorization", &bearer)]).status, 200);
}

#[test]
fn cancel_needs_the_csrf_token() {
    let home = Home::new();
    let id = running_task(&home, "Keep me");
    let server = Server::start(&home, &[]);
    let bearer = format!("Bearer {}", server.token());
    let form = [("Authorization", bearer.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let path = format!("/tasks/{id}/cancel");
    assert_eq!(http(&server.addr, "POST", &path, &form, "").status, 403);
    assert_eq!(http(&server.addr, "POST", &path, &form, "csrf=wrong").status, 403);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(home.state(&id), "running");
    let page = server.get(&format!("/tasks/{id}"), &form[..1]);
    let csrf = page
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf field");
    let done = http(&server.addr, "POST", &path, &form, &format!("csrf={csrf}"));
    assert_eq!(done.status, 303, "{done:?}");
    home.wait_state(&id, "cancelled", LONG);
}

#[test]
fn a_task_that_asks_is_answered_from_its_page() {
    let home = Home::new();
    let script = format!("echo \"got $('{}' ask 'Ship it?' --option yes --option later)\"", common::BIN);
    let id = home.submit(&["sh", "-c", &script]);
    let quiet = running_task(&home, "Quiet one");
    let server = Server::start(&home, &[]);
    let bearer = format!("Bearer {}", server.token());
    home.wait_needs(&id);
    let list = server.get("/", &[("Authorization", &bearer)]);
    let (asks, other) = (list.body.find(&format!("t-{id}")), list.body.find(&format!("t-{quiet}")));
    assert!(asks < other && list.body.contains("needs you: Ship it?"), "asking first: {}", list.body);
    let page = server.get(&format!("/tasks/{id}"), &[("Authorization", &bearer)]);
    assert!(
        page.body.contains("Needs you: Ship it?") && page.body.contains("value=\"later\""),
        "{}",
        page.body
    );
    let csrf =
        page.body.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("csrf");
    let form = [("Authorization", bearer.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let path = format!("/tasks/{id}/answer");
    assert_eq!(http(&server.addr, "POST", &path, &form, "reply=later").status, 403, "no CSRF, no answer");
    let done = http(&server.addr, "POST", &path, &form, &format!("csrf={csrf}&reply=&text=next+week"));
    assert_eq!(done.status, 303, "{done:?}");
    home.wait_state(&id, "completed", LONG);
    let output = home.json(&["result", &id, "--json"])["output"].as_str().unwrap_or_default().to_string();
    assert!(output.contains("got next week"), "{output}");
    assert!(home.run_ok(&["events", "--kind", "answered", "--json", &id]).contains("\"web\""));
    let again = http(&server.addr, "POST", &path, &form, &format!("csrf={csrf}&reply=yes"));
    assert_eq!(again.status, 400, "a late answer is refused: {again:?}");
    home.run_ok(&["cancel", &quiet]);
}

#[test]
fn a_failed_task_is_retried_and_a_worktree_task_landed_from_its_page() {
    let home = Home::new();
    let server = Server::start(&home, &[]);
    let bearer = format!("Bearer {}", server.token());
    let form = [("Authorization", bearer.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let csrf_of = |page: &Answer| {
        page.body.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).map(String::from)
    };
    // Retry: shown for a failed task, and it runs again.
    let failed = home.submit(&["false"]);
    home.wait_state(&failed, "failed", LONG);
    let page = server.get(&format!("/tasks/{failed}"), &form[..1]);
    assert!(page.body.contains(">Retry<") && !page.body.contains(">Land<"), "{}", page.body);
    let csrf = csrf_of(&page).expect("csrf");
    let retried =
        http(&server.addr, "POST", &format!("/tasks/{failed}/retry"), &form, &format!("csrf={csrf}"));
    assert_eq!(retried.status, 303, "{retried:?}");
    let deadline = std::time::Instant::now() + LONG;
    while home.status(&failed)["attempt"] != 2 {
        assert!(std::time::Instant::now() < deadline, "never retried: {}", home.status(&failed));
        std::thread::sleep(Duration::from_millis(30));
    }
    // Land: a completed worktree task shows its change and a Land button, which lands it.
    let repo = crate::review::Repo::new();
    let id = crate::review::done(&home, &repo, "echo web > from-web.txt");
    let page = server.get(&format!("/tasks/{id}"), &form[..1]);
    assert!(
        page.body.contains("Change: 1 file changed") && page.body.contains("from-web.txt"),
        "{}",
        page.body
    );
    assert!(page.body.contains(">Land<"), "{}", page.body);
    let landed = http(&server.addr, "POST", &format!("/tasks/{id}/land"), &form, &format!("csrf={csrf}"));
    assert_eq!(landed.status, 303, "{landed:?}");
    assert_eq!(repo.git("show HEAD:from-web.txt"), "web", "landed into the user's branch");
    let event = crate::review::history::event_data(&home, &id, "landed");
    assert_eq!(event["text"], "landed into main by web", "{event}");
    let again = http(&server.addr, "POST", &format!("/tasks/{id}/land"), &form, &format!("csrf={csrf}"));
    assert!(again.status >= 400, "landing twice is refused: {again:?}");
}

#[test]
fn read_only_shows_no_cancel_and_refuses_it() {
    let home = Home::new();
    let id = running_task(&home, "Look only");
    let server = Server::start(&home, &["--read-only"]);
    let bearer = format!("Bearer {}", server.token());
    let page = server.get(&format!("/tasks/{id}"), &[("Authorization", &bearer)]);
    assert!(page.status == 200 && page.body.contains("Look only"), "{page:?}");
    assert!(!page.body.contains("Cancel") && !page.body.contains("csrf"), "{}", page.body);
    let headers = [("Authorization", bearer.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let refused = http(&server.addr, "POST", &format!("/tasks/{id}/cancel"), &headers, "csrf=anything");
    assert_eq!(refused.status, 403, "{refused:?}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(home.state(&id), "running");
}

#[test]
fn beyond_loopback_only_with_an_explicit_token() {
    let home = Home::new();
    let out = home.run_code(&["web", "--listen", "0.0.0.0:0"], 2);
    assert!(common::stderr(&out).contains("refusing"), "{}", common::describe(&out));
    assert!(common::stdout(&out).is_empty(), "{}", common::describe(&out));
    assert!(!home.path().join("web.token").exists(), "a token was made for a server that did not start");
    let file = home.path().join("chosen.token");
    std::fs::write(&file, "a-chosen-token-of-some-length\n").expect("token file");
    let mut child =
        home.spawn(&["web", "--listen", "0.0.0.0:0", "--token-file", file.to_str().expect("utf-8")]);
    let mut banner = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut banner).expect("banner");
    let _ = child.kill();
    let _ = child.wait();
    assert!(banner.contains("serving http://0.0.0.0:"), "{banner}");
    assert!(!banner.contains("a-chosen-token"), "the banner echoes a chosen token: {banner}");
}

/// Where CI keeps artifacts: `SMART_AGENTS_ARTIFACTS`, else target/artifacts.
fn artifacts() -> PathBuf {
    std::env::var_os("SMART_AGENTS_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| [env!("CARGO_MANIFEST_DIR"), "target", "artifacts"].iter().collect())
}

#[test]
fn a_browser_sees_progress_live_and_cancels_from_a_phone_sized_page() {
    let home = Home::new();
    let gate = home.temp_dir().join("gate");
    let script = format!(
        "'{BIN}' progress 10 'first step' && while [ ! -e '{gate}' ]; do sleep 0.05; done && \
         '{BIN}' progress 60 'second step' && while [ ! -e '{gate}2' ]; do sleep 0.05; done && \
         echo live-tail-$((40+2)) && sleep 300",
        gate = gate.display()
    );
    let id = home.submit_with(&["Watched from a phone"], &["sh", "-c", &script]);
    home.wait_state(&id, "running", LONG);
    let server = Server::start(&home, &[]);
    let login = format!("http://{}/login?token={}", server.addr, server.token());
    let script: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "web", "browser.py"].iter().collect();
    let out = std::process::Command::new(common::ci_tools::web_python())
        .arg(&script)
        .args([login.as_str(), id.as_str(), gate.to_str().expect("utf-8")])
        .arg(artifacts())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the browser script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("all browser checks passed"),
        "{stdout}\n{}\nworker log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        home.worker_log_tail()
    );
    home.wait_state(&id, "cancelled", LONG);
    for shot in ["web-list-390.png", "web-task-390.png"] {
        let size = std::fs::metadata(artifacts().join(shot)).map(|m| m.len()).unwrap_or(0);
        assert!(size > 1000, "{shot} was not saved");
    }
}
