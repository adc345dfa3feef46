//! The client has one method per registry operation, under the reference SDK's names and
//! groups. These calls only need to compile: renaming or removing a method breaks the build.

use smithery_registry::prelude::*;
use smithery_registry::types;

#[allow(dead_code)]
async fn every_operation_by_its_sdk_name(client: &Client) {
    let payload = types::DeployPayload::hosted();
    // servers
    let _: Result<
        smithery_registry::ResponseValue<types::DeployResponse>,
        smithery_registry::Error<types::DeploymentError>,
    > = ClientServersExt::deploy(client)
        .qualified_name("acme/weather")
        .payload(payload)
        .module(b"export default {}".to_vec())
        .sourcemap(b"{}".to_vec())
        .send()
        .await;
    let _ = ClientServersExt::list_deployments(client)
        .qualified_name("acme/weather")
        .send()
        .await;
    let _ = ClientServersExt::get_deployment_status(client)
        .qualified_name("acme/weather")
        .id("d1")
        .send()
        .await;
    let _ = ClientServersExt::resume_deployment(client)
        .qualified_name("acme/weather")
        .id("latest")
        .send()
        .await;
    let _ = ClientServersExt::get_logs(client)
        .qualified_name("acme/weather")
        .limit(10)
        .send()
        .await;
    let _ = ClientServersExt::get_by_qualified_name(client)
        .qualified_name("acme/weather")
        .send()
        .await;
    let _ = ClientServersExt::list(client)
        .page(1)
        .page_size(10)
        .q("memory")
        .send()
        .await;
    // service
    let _ = ClientServiceExt::health_check(client).send().await;
    // uplink
    let _ = ClientUplinkExt::create_token(client).send().await;
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
