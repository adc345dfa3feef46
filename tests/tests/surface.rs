//! The client has one method per registry operation, under the reference SDK's names and
//! groups. These calls only need to compile: renaming or removing a method breaks the build.

use smithery_registry::seed::prelude::*;
use smithery_registry::seed::types;

#[allow(dead_code)]
async fn every_operation_by_its_sdk_name(client: &Client) {
    let payload = types::DeployPayload::hosted();
    // servers
    let _: Result<
        smithery_registry::seed::ResponseValue<types::DeployResponse>,
        smithery_registry::seed::Error<types::DeploymentError>,
    > = client
        .deploy()
        .qualified_name("acme/weather")
        .payload(payload)
        .module(b"export default {}".to_vec())
        .sourcemap(b"{}".to_vec())
        .send()
        .await;
    let _ = client.list_deployments().qualified_name("acme/weather").send().await;
    let _ = client
        .get_deployment_status()
        .qualified_name("acme/weather")
        .id("d1")
        .send()
        .await;
    let _ = client
        .resume_deployment()
        .qualified_name("acme/weather")
        .id("latest")
        .send()
        .await;
    let _ = client.get_logs().qualified_name("acme/weather").limit(10).send().await;
    let _ = client
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await;
    let _ = client.list().page(1).page_size(10).q("memory").send().await;
    // service
    let _ = client.health_check().send().await;
    // uplink
    let _ = client.create_token().send().await;
}

#[test]
fn client_can_be_built() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9/")
        .build()
        .expect("builds");
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    assert_eq!(
        Client::new("t").expect("builds").base_url(),
        "https://registry.smithery.ai"
    );
}
