//! A loopback TCP proxy that counts round trips: the times a client spoke
//! after the server had answered (or first), on every connection through it.
//!
//! Commands a client sends before the answer to the first arrives (a pipeline,
//! or concurrent commands on a multiplexed connection) are one round trip: the
//! caller waits for the network once. What the client sent in each round trip
//! is kept, so a test can tell a pool's health-check ping from a query.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The client's bytes kept per round trip (enough to recognise a ping).
const KEPT_BYTES: usize = 64;

/// One round trip: what the client sent before the server answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The connection it happened on (in accept order).
    pub connection: usize,
    /// The first bytes the client sent.
    pub head: Vec<u8>,
    /// How many bytes the client sent in all.
    pub len: usize,
}

#[derive(Default)]
struct Log {
    exchanges: Vec<Exchange>,
}

/// A counting proxy in front of one upstream server; stops when dropped.
pub struct CountingProxy {
    port: u16,
    log: Arc<Mutex<Log>>,
    accept: JoinHandle<()>,
}

impl CountingProxy {
    /// Listens on a free loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let log = Arc::new(Mutex::new(Log::default()));
        let shared = log.clone();
        let accept = tokio::spawn(async move {
            let mut connection = 0;
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                tokio::spawn(relay(client, server, connection, shared.clone()));
                connection += 1;
            }
        });
        Ok(Self { port, log, accept })
    }

    /// The port clients connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every answered round trip since the start or the last [`CountingProxy::take`].
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(
            &mut self
                .log
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .exchanges,
        )
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// The round trip a connection's client has opened and the server not yet answered.
type Open = Arc<Mutex<Option<Exchange>>>;

/// Pumps both directions of one connection, logging each round trip once
/// the server answers it.
async fn relay(client: TcpStream, server: TcpStream, connection: usize, log: Arc<Mutex<Log>>) {
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let open = Open::default();
    let upstream = requests(client_read, server_write, connection, open.clone());
    let downstream = replies(server_read, client_write, open, log);
    tokio::join!(upstream, downstream);
}

async fn requests(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, connection: usize, open: Open) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        let bytes = &buffer[..read];
        {
            let mut open = open.lock().unwrap_or_else(PoisonError::into_inner);
            let exchange = open.get_or_insert_with(|| Exchange {
                connection,
                head: Vec::new(),
                len: 0,
            });
            let room = KEPT_BYTES.saturating_sub(exchange.head.len());
            exchange.head.extend_from_slice(&bytes[..room.min(read)]);
            exchange.len += read;
        }
        if to.write_all(bytes).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

async fn replies(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    open: Open,
    log: Arc<Mutex<Log>>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        let answered = open.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(exchange) = answered {
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .exchanges
                .push(exchange);
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
