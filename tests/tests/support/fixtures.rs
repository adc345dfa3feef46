//! Response bodies as the registry sends them.

#![allow(dead_code)]

use serde_json::{Value, json};

pub fn server_summary(index: usize) -> Value {
    json!({
        "qualifiedName": format!("acme/server-{index}"),
        "displayName": format!("Server {index}"),
        "description": null,
        "iconUrl": null,
        "verified": index.is_multiple_of(2),
        "useCount": index,
        "remote": null,
        "isDeployed": true,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "homepage": format!("https://smithery.ai/server/acme/server-{index}")
    })
}

/// Page `page` (1-based) of `total` servers, `size` per page.
pub fn list_page(page: usize, size: usize, total: usize) -> Value {
    let total_pages = total.div_ceil(size);
    let first = (page - 1) * size;
    let servers: Vec<Value> = (first..(first + size).min(total)).map(server_summary).collect();
    json!({
        "servers": servers,
        "pagination": {"currentPage": page, "pageSize": size, "totalPages": total_pages, "totalCount": total}
    })
}

pub fn server() -> Value {
    json!({
        "qualifiedName": "acme/weather",
        "displayName": "Weather",
        "description": "Forecasts",
        "iconUrl": null,
        "remote": true,
        "deploymentUrl": null,
        "connections": [
            {"type": "http", "deploymentUrl": "https://server.smithery.ai/acme/weather/mcp", "configSchema": {}},
            {"type": "stdio", "configSchema": {"type": "object"}}
        ],
        "security": null,
        "tools": null
    })
}

pub fn deployment_info(status: &str) -> Value {
    json!({
        "id": "d-1",
        "status": status,
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:01:00Z"
    })
}
