//! Free loopback ports.

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// A loopback port nothing listened on a moment ago (bound to port 0, then released).
///
/// ```
/// let port = fault_tests::free_port();
/// assert!(port > 0);
/// ```
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or(0)
}

/// Whether something accepts TCP connections on `127.0.0.1:port`.
pub fn answers(port: u16) -> bool {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}
