"""Lattice attached to existing clusters from the built Python package: an
EKS Auto Mode cluster written with aws-eks-v2, and an imported cluster."""
import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

import cdk_lattice_eks as lattice

ACCOUNT = "111111111111"
REGION = "us-east-1"


def shared(app):
    stack = cdk.Stack(app, "Shared")
    network = lattice.LatticeServiceNetwork(stack, "Network", service_network_name="lattice-gateway")
    domain = lattice.PrivateCaDomain(stack, "Domain", domain_name="example.com")
    return network, domain


def imported_cluster(stack, **overrides):
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Vpc", vpc_id="vpc-0123456789abcdef0", availability_zones=["us-east-1a", "us-east-1b"],
        private_subnet_ids=["subnet-1", "subnet-2"],
    )
    attributes = dict(
        cluster_name="platform-shared",
        vpc=vpc,
        cluster_security_group_id="sg-0123456789abcdef0",
        kubectl_provider=eks.KubectlProvider.from_kubectl_provider_attributes(
            stack, "KubectlProvider",
            service_token=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:kubectl-provider",
            role=iam.Role.from_role_arn(stack, "KubectlRole", f"arn:aws:iam::{ACCOUNT}:role/kubectl-handler"),
        ),
    )
    attributes.update(overrides)
    return eks.Cluster.from_cluster_attributes(stack, "Cluster", **attributes)


def test_auto_mode_cluster_gets_lattice_without_node_group_or_add_ons():
    app = cdk.App()
    network, domain = shared(app)
    stack = cdk.Stack(app, "Auto")
    cluster = eks.Cluster(
        stack, "Cluster", cluster_name="platform-auto", version=eks.KubernetesVersion.V1_35,
        kubectl_provider_options=eks.KubectlProviderOptions(
            kubectl_layer=lambda_.LayerVersion.from_layer_version_arn(stack, "Kubectl", f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:kubectl:1"),
        ),
    )
    attached = lattice.LatticeEksIntegration(stack, "Lattice", cluster=cluster, service_network=network, domain=domain)
    attached.expose_service("Orders", service_name="orders", namespace="shop", port=80, target_port=8080, create_namespace=True)
    template = assertions.Template.from_stack(stack)
    template.resource_count_is("AWS::EKS::Cluster", 1)
    template.has_resource_properties("AWS::EKS::Cluster", {"ComputeConfig": {"Enabled": True}})
    template.resource_count_is("AWS::EKS::Nodegroup", 0)
    template.resource_count_is("AWS::EKS::Addon", 0)
    template.has_resource_properties("AWS::EC2::SecurityGroupIngress", {"FromPort": 8080, "ToPort": 8080})
    assert attached.auto_mode is True
    assert attached.cluster_name == "platform-auto"
    assert attached.preflight_probe is None


def test_imported_cluster_keeps_its_namespace_and_checks_its_agent():
    app = cdk.App()
    network, domain = shared(app)
    stack = cdk.Stack(app, "Imported")
    attached = lattice.LatticeEksIntegration(
        stack, "Lattice", cluster=imported_cluster(stack), service_network=network, domain=domain,
        pod_identity_agent=lattice.PodIdentityAgent.EXISTING, existing_namespaces=["apps"],
    )
    route = attached.expose_service("Orders", service_name="orders", namespace="apps", port=80)
    route.allow(lattice.LatticeCaller.eks_workload(cluster_name="platform-auto", namespaces=["apps"]))
    template = assertions.Template.from_stack(stack)
    template.resource_count_is("AWS::EKS::Cluster", 0)
    template.has_resource_properties(
        "Custom::AWSCDK-EKS-KubernetesObjectValue",
        {"ObjectType": "daemonset", "ObjectName": "eks-pod-identity-agent", "ObjectNamespace": "kube-system"},
    )
    manifests = [r["Properties"]["Manifest"] for r in template.to_json()["Resources"].values()
                 if r["Type"] == "Custom::AWSCDK-EKS-KubernetesResource"]
    namespaces = [m for m in manifests if '"kind":"Namespace"' in str(m)]
    assert all('"name":"apps"' not in str(m) for m in namespaces)
    assert attached.preflight_probe is not None


def test_imported_cluster_without_kubectl_provider_is_rejected_with_the_fix():
    app = cdk.App()
    network, _ = shared(app)
    stack = cdk.Stack(app, "Bad")
    with pytest.raises(Exception, match="has no kubectl provider"):
        lattice.LatticeEksIntegration(stack, "Lattice", cluster=imported_cluster(stack, kubectl_provider=None), service_network=network)
