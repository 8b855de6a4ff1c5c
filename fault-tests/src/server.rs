//! A private database server: one child process in its own process group, on
//! a loopback port, with a throwaway data directory. Stopped (cleanly or with
//! `SIGKILL`) and started again on the same port and data; dropped, it kills
//! its process group and removes its directory, even when a test panics.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use std::os::unix::process::CommandExt;

use crate::ports::answers;

/// How a server is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The server's own clean shutdown signal (`SIGTERM`; `SIGINT`, "fast
    /// shutdown", for PostgreSQL, whose `SIGTERM` waits for clients to leave).
    Clean,
    /// `SIGKILL` to the whole process group: a crash, recovery on restart.
    Kill,
}

/// How to run one server process.
#[derive(Clone, Debug)]
pub struct ServerSpec {
    /// A short name for logs (`postgres`, `mariadb`, `redis`, `mongo`).
    pub name: String,
    /// The executable.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// The loopback port it listens on.
    pub port: u16,
    /// The signal of a clean stop (`TERM`, `INT`).
    pub clean_signal: &'static str,
    /// Run as this `(uid, gid)` (PostgreSQL refuses to run as root).
    pub run_as: Option<(u32, u32)>,
}

/// A throwaway directory under the system temp dir, removed when dropped.
#[derive(Debug)]
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// A new empty directory whose name starts with `prefix`.
    pub fn new(prefix: &str) -> std::io::Result<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "fault-{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path)?;
        Ok(Self(path))
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Hands the directory to `(uid, gid)`, for a server that runs as another user.
    pub fn chown(&self, owner: (u32, u32)) -> std::io::Result<()> {
        std::os::unix::fs::chown(&self.0, Some(owner.0), Some(owner.1))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running (or stopped) private server. See the module docs.
#[derive(Debug)]
pub struct PrivateServer {
    spec: ServerSpec,
    child: Option<Child>,
    log: PathBuf,
    dir: ScratchDir,
}

impl PrivateServer {
    /// Starts `spec` (its data lives in `dir`, which the server now owns) and
    /// waits until its port accepts connections.
    pub fn start(spec: ServerSpec, dir: ScratchDir) -> std::io::Result<Self> {
        let log = dir.path().join(format!("{}.log", spec.name));
        let mut server = Self {
            spec,
            child: None,
            log,
            dir,
        };
        server.restart()?;
        Ok(server)
    }

    /// The loopback port.
    pub fn port(&self) -> u16 {
        self.spec.port
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Whether the process is alive.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    /// Starts the process again (same port, same data) and waits up to 60 s
    /// for its port to accept connections.
    pub fn restart(&mut self) -> std::io::Result<()> {
        if self.running() {
            return Ok(());
        }
        let log = File::options().create(true).append(true).open(&self.log)?;
        let mut command = Command::new(&self.spec.program);
        command
            .args(&self.spec.args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0);
        if let Some((uid, gid)) = self.spec.run_as {
            command.uid(uid).gid(gid);
        }
        self.child = Some(command.spawn()?);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if !self.running() {
                return Err(self.failure("exited while starting"));
            }
            if answers(self.spec.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(self.failure("did not accept connections within 60 s"))
    }

    /// Stops the server and waits until the process has exited (a clean stop
    /// that takes over 30 s becomes a kill). Returns how long that took.
    pub fn stop(&mut self, how: Stop) -> std::io::Result<Duration> {
        let started = Instant::now();
        let Some(mut child) = self.child.take() else {
            return Ok(Duration::ZERO);
        };
        let pid = child.id();
        match how {
            Stop::Clean => signal(self.spec.clean_signal, &pid.to_string()),
            Stop::Kill => signal("KILL", &format!("-{pid}")),
        }
        let deadline = started + Duration::from_secs(30);
        loop {
            if child.try_wait()?.is_some() {
                break;
            }
            if Instant::now() > deadline {
                signal("KILL", &format!("-{pid}"));
                child.wait()?;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if how == Stop::Kill {
            // Children of the group (PostgreSQL backends) die with their leader's group.
            signal("KILL", &format!("-{pid}"));
        }
        Ok(started.elapsed())
    }

    /// The last lines of the server's log, for a failure message.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    fn failure(&self, what: &str) -> std::io::Error {
        std::io::Error::other(format!(
            "{} on port {} {what}; log:\n{}",
            self.spec.name,
            self.spec.port,
            self.log_tail()
        ))
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal("KILL", &format!("-{}", child.id()));
            let _ = child.wait();
        }
    }
}

/// `kill -SIGNAL target` (a pid, or `-pgid` for a process group); errors are
/// ignored because the target may already be gone.
fn signal(name: &str, target: &str) {
    let _ = Command::new("kill")
        .args([format!("-{name}"), "--".into(), target.into()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The `(uid, gid)` of a system user from `/etc/passwd`.
pub fn system_user(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        (fields.next()? == name).then_some(())?;
        let _password = fields.next()?;
        Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
    })
}

/// Whether this process runs as root.
pub fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}
