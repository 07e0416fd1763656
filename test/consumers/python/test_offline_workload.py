"""A cluster without internet access and a one-call exported workload, in Python, from the built package."""
import hashlib
import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

import cdk_lattice_eks as lattice

ACCOUNT, REGION = "123456789012", "eu-west-1"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
CHARTS = lattice.ChartRepositoryMirrors(
    gateway_api_controller=f"oci://{REGISTRY}/charts/aws-gateway-controller-chart",
    external_dns=f"oci://{REGISTRY}/charts/external-dns",
    kyverno=f"oci://{REGISTRY}/charts/kyverno",
)
IMAGE = f"{REGISTRY}/shop/inventory:1.0.0"
UPSTREAM_HOSTS = ["docker.io", "registry.k8s.io", "public.ecr.aws", "ghcr.io", "github.com"]
# A small stand-in for standard-install.yaml (never the real bundle) and its SHA-256.
BUNDLE = b"# stand-in Gateway API CRD bundle for a consumer test\n"
BUNDLE_SHA256 = hashlib.sha256(BUNDLE).hexdigest()


def synth(directory, crds_sha256=BUNDLE_SHA256):
    bundle = directory / "standard-install.yaml"
    bundle.write_bytes(BUNDLE)
    app = cdk.App()
    env = cdk.Environment(account=ACCOUNT, region=REGION)
    shared = cdk.Stack(app, "Shared", env=env)
    domain = lattice.PrivateCaDomain(shared, "Domain", domain_name="example.com")
    network = lattice.LatticeServiceNetwork(shared, "Network", service_network_name="lattice-gateway")
    stack = cdk.Stack(app, "Cluster1", env=env)
    cluster = lattice.LatticeEksCluster(
        stack, "Lattice",
        cluster_name="eks-cluster1",
        kubectl_layer=lambda_.LayerVersion.from_layer_version_arn(stack, "Kubectl", f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:kubectl:1"),
        service_network=network,
        domain=domain,
        sources=lattice.ArtifactSources.ecr_pull_through(charts=CHARTS),
        gateway_api_crds=lattice.GatewayApiCrdsSource.from_file(str(bundle), sha256=crds_sha256),
    )
    sidecar = lattice.SigV4SidecarPolicy(stack, "SigV4", cluster=cluster, domain=domain)
    inventory = cluster.add_lattice_workload(
        "Inventory", name="inventory", namespace="shop", image=IMAGE, container_port=8080, export_name="inventory", sidecar=sidecar
    )
    route = cluster.import_service(
        "InventoryRoute", route_name="inventory", namespace="shop", port=80, backends=[inventory.service_export.backend(100)]
    )
    assembly = app.synth()
    return {
        "templates": {s.stack_name: s.template for s in assembly.stacks},
        "stack": stack,
        "inventory": inventory,
        "route": route,
    }


def strings(value):
    """Every string (keys included) of a template."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def cluster_objects(template):
    """The Kubernetes objects of the manifests applied to the stack's one EKS cluster (tokens rendered as ${TOKEN})."""
    resources = template["Resources"]
    [cluster_id] = [k for k, r in resources.items() if r["Type"] == "AWS::EKS::Cluster"]
    out = []
    for r in resources.values():
        if r["Type"] != "Custom::AWSCDK-EKS-KubernetesResource" or r["Properties"]["ClusterName"] != {"Ref": cluster_id}:
            continue
        manifest = r["Properties"]["Manifest"]
        if not isinstance(manifest, str):
            manifest = "".join(p if isinstance(p, str) else "${TOKEN}" for p in manifest["Fn::Join"][1])
        out.extend(json.loads(manifest))
    return out


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    return synth(tmp_path_factory.mktemp("crds"))


def test_no_template_string_names_an_upstream_registry_or_github(synthesized):
    templates = synthesized["templates"]
    assert sorted(templates) == ["Cluster1", "Shared"]
    found = sorted({(name, host) for name, t in templates.items() for s in strings(t) for host in UPSTREAM_HOSTS if host in s})
    assert found == []
    charts = [r["Properties"] for r in templates["Cluster1"]["Resources"].values() if r["Type"] == "Custom::AWSCDK-EKS-HelmChart"]
    assert sorted(c["Repository"] for c in charts) == sorted([CHARTS.gateway_api_controller, CHARTS.external_dns, CHARTS.kyverno])


def test_the_exported_workload_has_a_service_export_and_its_health_check(synthesized):
    objects = cluster_objects(synthesized["templates"]["Cluster1"])
    exports = [o for o in objects if o["kind"] == "ServiceExport"]
    assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in exports] == [("shop", "inventory")]
    assert exports[0]["spec"]["exportedPorts"] == [{"port": 80, "routeType": "HTTP"}]
    policies = [o for o in objects if o["kind"] == "TargetGroupPolicy"]
    assert [p["spec"]["targetRef"] for p in policies] == [
        {"group": "application-networking.k8s.aws", "kind": "ServiceExport", "name": "inventory"}
    ]
    assert synthesized["inventory"].route is None
    assert synthesized["inventory"].service_export.export_name == "inventory"


def test_the_deployment_drains_with_a_pre_stop_hook_and_pulls_the_given_image(synthesized):
    objects = cluster_objects(synthesized["templates"]["Cluster1"])
    [deployment] = [o for o in objects if o["kind"] == "Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["containers"][0]["lifecycle"] == {"preStop": {"sleep": {"seconds": 60}}}
    assert pod["containers"][0]["image"] == IMAGE
    assert pod["terminationGracePeriodSeconds"] == 150
    assert synthesized["inventory"].pre_stop_seconds == 60


def test_import_service_routes_to_the_export_with_its_weight(synthesized):
    backend = synthesized["inventory"].service_export.backend(100)
    assert (backend.export_name, backend.cluster_name, backend.weight) == ("inventory", "eks-cluster1", 100)
    objects = cluster_objects(synthesized["templates"]["Cluster1"])
    [route] = [o for o in objects if o["kind"] == "HTTPRoute"]
    assert route["spec"]["rules"][0]["backendRefs"] == [
        {"group": "application-networking.k8s.aws", "kind": "ServiceImport", "name": "inventory-1", "weight": 100}
    ]
    [service_import] = [o for o in objects if o["kind"] == "ServiceImport"]
    assert service_import["metadata"]["annotations"]["application-networking.k8s.aws/export-name"] == "inventory"
    assert synthesized["route"].hostname == "inventory.example.com"


def test_a_crd_bundle_with_another_sha256_fails_synth_naming_both_hashes(tmp_path):
    wrong = "0" * 64
    with pytest.raises(RuntimeError) as error:
        synth(tmp_path, crds_sha256=wrong)
    message = str(error.value)
    assert "LatticeEksCluster (Cluster1/Lattice): gatewayApiCrds:" in message
    assert f"has SHA-256 {BUNDLE_SHA256}, expected {wrong}" in message
