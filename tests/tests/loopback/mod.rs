//! A one-connection HTTP server on 127.0.0.1 for the streaming tests: the test writes the
//! response itself, byte by byte if it likes, so it can split events across TCP writes,
//! stall, or cut the connection mid-body, which an HTTP mock cannot do.

#![allow(dead_code)]

use std::future::Future;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Accepts one connection on a fresh port, reads the request head, and hands the socket to
/// `respond`. Returns the URL to request and the task (whose result is `respond`'s).
pub async fn serve_once<F, Fut, T>(respond: F) -> (String, JoinHandle<T>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send,
    T: Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        socket.set_nodelay(true).expect("nodelay");
        read_head(&mut socket).await;
        respond(socket).await
    });
    (format!("http://{address}/stream"), task)
}

/// Reads until the blank line that ends a request head (the tests send GETs without a
/// body).
async fn read_head(socket: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = socket.read(&mut buffer).await.expect("read request");
        assert!(read > 0, "the client closed before sending its request");
        head.extend_from_slice(&buffer[..read]);
    }
}

/// The head of a chunked `text/event-stream` response.
pub const SSE_HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n";

/// `data` framed as one HTTP/1.1 chunk.
pub fn chunk(data: &[u8]) -> Vec<u8> {
    let mut framed = format!("{:x}\r\n", data.len()).into_bytes();
    framed.extend_from_slice(data);
    framed.extend_from_slice(b"\r\n");
    framed
}

/// The chunk that ends a chunked body.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";
