//! A `custodia serve` process for the HTTP tests, and a client of it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::TestVault;

/// The password the server tests give their users.
pub const PASSWORD: &str = "a long and private passphrase";

pub struct Server {
    pub child: Child,
    pub base: String,
    /// The replay listener of web captures (`http://ADDR`).
    pub replay: String,
    pub agent: ureq::Agent,
}

impl Server {
    pub fn start(v: &TestVault) -> Self {
        Self::start_with(v, &[])
    }

    /// A server with more options of `custodia serve`.
    pub fn start_with(v: &TestVault, options: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_custodia"))
            .arg("--data-dir")
            .arg(&v.dir)
            .args(["--json", "serve", "--listen", "127.0.0.1:0"])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The one JSON document on stdout says where it listens.
        let mut text = String::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            text.push_str(&line);
            if line == "}" {
                break;
            }
        }
        let started: Value = serde_json::from_str(&text).expect("serve prints its address");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            child,
            base: format!("http://{}", started["listen"].as_str().unwrap()),
            replay: format!("http://{}", started["replay_listen"].as_str().unwrap()),
            agent,
        }
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, Vec<u8>, ureq::http::HeaderMap) {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request.call().unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.body_mut().read_to_vec().unwrap();
        (status, body, headers)
    }

    pub fn json(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let (status, body, _) = self.get(path, token);
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    pub fn login(&self, user: &str, password: &str) -> (u16, Value, Vec<String>) {
        let mut response = self
            .agent
            .post(format!("{}/api/v1/auth/login", self.base))
            .send_json(json!({ "user": user, "password": password }))
            .unwrap();
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_json::<Value>()
            .unwrap_or(Value::Null);
        (status, body, cookies)
    }

    pub fn stop(mut self) -> (Option<i32>, Duration) {
        let started = Instant::now();
        unsafe_free_sigterm(self.child.id());
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code(), started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(15) {
                let _ = self.child.kill();
                return (None, started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends SIGTERM with the `kill` command (no unsafe code in the tests).
pub fn unsafe_free_sigterm(pid: u32) {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

impl Server {
    /// A bearer token of `user` (whose password is [`PASSWORD`]).
    pub fn token(&self, user: &str) -> String {
        let (status, body, _) = self.login(user, PASSWORD);
        assert_eq!(status, 200, "{user} signs in: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Sends `method path` with a JSON body and a bearer token: (status, JSON answer).
    pub fn send(&self, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {token}");
        let response = match method {
            "POST" => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .send_json(body),
            "DELETE" => self
                .agent
                .delete(&url)
                .header("Authorization", &auth)
                .call(),
            other => panic!("no {other} here"),
        };
        let mut response = response.unwrap();
        let status = response.status().as_u16();
        (
            status,
            response
                .body_mut()
                .read_json::<Value>()
                .unwrap_or(Value::Null),
        )
    }

    /// `PATCH` of raw bytes with extra headers: (status, JSON answer).
    pub fn patch(
        &self,
        path: &str,
        token: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Value) {
        let mut request = self
            .agent
            .patch(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {token}"));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut response = request.send(body).unwrap();
        let status = response.status().as_u16();
        (
            status,
            response
                .body_mut()
                .read_json::<Value>()
                .unwrap_or(Value::Null),
        )
    }
}

/// Gives `user` the test password.
pub fn set_password(v: &TestVault, user: &str) {
    let file = v.tmp.path().join("password");
    std::fs::write(&file, PASSWORD).unwrap();
    v.ok([
        "user",
        "password",
        user,
        "--password-file",
        file.to_str().unwrap(),
    ]);
}
