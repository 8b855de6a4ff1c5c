//! The private servers the fault tests stop and restart, one constructor per
//! engine. Each returns `None` after a loud skip when its binaries are
//! missing (a failure with `CI=true`), and panics when they are there but the
//! server cannot be set up.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::locate::{find_binary, postgres_bin_dir, skip_or_fail, workspace_root};
use crate::ports::{answers, free_port};
use crate::server::{running_as_root, system_user, PrivateServer, ScratchDir, ServerSpec};

fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn run_setup(what: &str, command: &mut Command) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("{what} could not run: {err}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A private PostgreSQL (`initdb -A trust -U postgres`, then `postgres`) on a
/// free port, run as the `postgres` OS user when this process is root.
/// URL: `postgres://postgres@127.0.0.1:{port}/postgres`.
pub fn postgres(test: &str) -> Option<PrivateServer> {
    let Some(bin) = postgres_bin_dir().filter(|bin| bin.join("postgres").is_file()) else {
        skip_or_fail(
            test,
            "PostgreSQL server binaries (initdb, postgres) not found; set PG_BIN",
        );
        return None;
    };
    let dir = ScratchDir::new("pg").expect("a scratch directory");
    let run_as = if running_as_root() {
        let Some(owner) = system_user("postgres") else {
            skip_or_fail(
                test,
                "running as root and there is no `postgres` OS user to run PostgreSQL as",
            );
            return None;
        };
        dir.chown(owner)
            .expect("hand the scratch directory to postgres");
        Some(owner)
    } else {
        None
    };
    let data = dir.path().join("data");
    let mut initdb = Command::new(bin.join("initdb"));
    initdb
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "-D",
        ])
        .arg(&data)
        .env("LC_ALL", "C");
    if let Some((uid, gid)) = run_as {
        std::os::unix::process::CommandExt::uid(&mut initdb, uid);
        std::os::unix::process::CommandExt::gid(&mut initdb, gid);
    }
    run_setup("initdb", &mut initdb);
    let port = free_port();
    let spec = ServerSpec {
        name: "postgres".into(),
        program: bin.join("postgres"),
        args: vec![
            "-D".into(),
            text(&data),
            "-p".into(),
            port.to_string(),
            "-k".into(),
            text(dir.path()),
            "-c".into(),
            "listen_addresses=127.0.0.1".into(),
        ],
        port,
        clean_signal: "INT",
        run_as,
    };
    Some(PrivateServer::start(spec, dir).expect("private PostgreSQL starts"))
}

/// A private MariaDB (`mariadb-install-db`, then `mariadbd`) on a free port,
/// root without a password. URL: `mysql://root@127.0.0.1:{port}/mysql`.
pub fn mariadb(test: &str) -> Option<PrivateServer> {
    let install =
        find_binary("mariadb-install-db", &[]).or_else(|| find_binary("mysql_install_db", &[]));
    let server = find_binary("mariadbd", &[]).or_else(|| find_binary("mysqld", &[]));
    let (Some(install), Some(server)) = (install, server) else {
        skip_or_fail(
            test,
            "MariaDB server binaries (mariadb-install-db, mariadbd) not found",
        );
        return None;
    };
    let dir = ScratchDir::new("maria").expect("a scratch directory");
    let data = dir.path().join("data");
    let user = if running_as_root() {
        vec!["--user=root".to_owned()]
    } else {
        vec![]
    };
    run_setup(
        "mariadb-install-db",
        Command::new(install)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", text(&data)))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .args(&user),
    );
    let port = free_port();
    let mut args = vec![
        "--no-defaults".to_owned(),
        format!("--datadir={}", text(&data)),
        format!("--port={port}"),
        "--bind-address=127.0.0.1".into(),
        format!("--socket={}", text(&dir.path().join("sock"))),
        format!("--pid-file={}", text(&dir.path().join("pid"))),
        "--skip-name-resolve".into(),
        "--innodb-flush-log-at-trx-commit=1".into(),
    ];
    args.extend(user);
    let spec = ServerSpec {
        name: "mariadb".into(),
        program: server,
        args,
        port,
        clean_signal: "TERM",
        run_as: None,
    };
    Some(PrivateServer::start(spec, dir).expect("private MariaDB starts"))
}

fn redis_args(port: u16, dir: &Path) -> Vec<String> {
    [
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--dir",
        &text(dir),
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// A private Redis with `appendonly yes`, `appendfsync always` (every
/// acknowledged write is on disk before the reply). URL: `redis://127.0.0.1:{port}`.
pub fn redis(test: &str) -> Option<PrivateServer> {
    let Some(program) = find_binary("redis-server", &[]) else {
        skip_or_fail(test, "redis-server not found");
        return None;
    };
    let dir = ScratchDir::new("redis").expect("a scratch directory");
    let port = free_port();
    let spec = ServerSpec {
        name: "redis".into(),
        args: redis_args(port, dir.path()),
        program,
        port,
        clean_signal: "TERM",
        run_as: None,
    };
    Some(PrivateServer::start(spec, dir).expect("private Redis starts"))
}

/// A private 3-master Redis Cluster (no replicas), each node with the
/// durability of [`redis`] and its own `nodes.conf`, joined with
/// `redis-cli --cluster create`; returns once `cluster_state:ok` everywhere.
pub fn redis_cluster(test: &str) -> Option<Vec<PrivateServer>> {
    let (Some(program), Some(cli)) = (
        find_binary("redis-server", &[]),
        find_binary("redis-cli", &[]),
    ) else {
        skip_or_fail(test, "redis-server or redis-cli not found");
        return None;
    };
    let mut nodes = Vec::new();
    while nodes.len() < 3 {
        let port = free_port();
        if port > 55_000 || answers(port + 10_000) {
            continue;
        }
        let dir = ScratchDir::new("cluster").expect("a scratch directory");
        let mut args = redis_args(port, dir.path());
        args.extend(
            [
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                &text(&dir.path().join("nodes.conf")),
                "--cluster-node-timeout",
                "5000",
            ]
            .map(str::to_owned),
        );
        let spec = ServerSpec {
            name: format!("redis-cluster-{port}"),
            program: program.clone(),
            args,
            port,
            clean_signal: "TERM",
            run_as: None,
        };
        nodes.push(PrivateServer::start(spec, dir).expect("a private cluster node starts"));
    }
    let addresses: Vec<String> = nodes
        .iter()
        .map(|n| format!("127.0.0.1:{}", n.port()))
        .collect();
    run_setup(
        "redis-cli --cluster create",
        Command::new(&cli)
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"]),
    );
    for node in &nodes {
        assert!(
            wait_cluster_ok(&cli, node.port(), Duration::from_secs(30)),
            "cluster_state did not become ok on {}",
            node.port()
        );
    }
    Some(nodes)
}

/// Whether `cluster info` on `port` reports `cluster_state:ok` within `limit`.
pub fn wait_cluster_ok(cli: &Path, port: u16, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let ok = Command::new(cli)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "cluster",
                "info",
            ])
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("cluster_state:ok"));
        if ok {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// `redis-cli`, for tests that ask a cluster node directly.
pub fn redis_cli() -> Option<PathBuf> {
    find_binary("redis-cli", &[])
}

/// A private SecantusDB (MongoDB wire protocol) with an on-disk store and a
/// standalone topology. Its launcher comes from `SECANTUSD`, else
/// `.services/venv/bin/secantusd-py` under the workspace root (installed by
/// `scripts/services/mongo start`). URL: `mongodb://127.0.0.1:{port}`.
pub fn mongo(test: &str) -> Option<PrivateServer> {
    let program = std::env::var_os("SECANTUSD")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".services/venv/bin/secantusd-py"));
    if !program.is_file() {
        skip_or_fail(
            test,
            &format!(
                "{} not found: run scripts/services/mongo start (or set SECANTUSD)",
                program.display()
            ),
        );
        return None;
    }
    let dir = ScratchDir::new("mongo").expect("a scratch directory");
    let port = free_port();
    let spec = ServerSpec {
        name: "mongo".into(),
        program,
        args: vec![
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            "--storage-path".into(),
            text(&dir.path().join("data")),
            "--standalone".into(),
            "--log-level".into(),
            "WARNING".into(),
        ],
        port,
        clean_signal: "TERM",
        run_as: None,
    };
    Some(PrivateServer::start(spec, dir).expect("private SecantusDB starts"))
}
