"""Smoke test: the built Python package synthesizes a stack with both shared constructs."""
import aws_cdk as cdk
from aws_cdk import assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_

import cdk_lattice_eks as lattice


def synth():
    app = cdk.App()
    shared = cdk.Stack(app, "Shared")
    domain = lattice.PrivateCaDomain(shared, "Domain", domain_name="example.com")
    network = lattice.LatticeServiceNetwork(
        shared, "Network", service_network_name="lattice-gateway"
    )
    cluster = cdk.Stack(app, "Cluster")
    vpc = ec2.Vpc(cluster, "Vpc", ip_addresses=ec2.IpAddresses.cidr("10.0.0.0/16"), max_azs=2, nat_gateways=1)
    network.associate_vpc(vpc)
    domain.associate_vpc(vpc)
    return domain, network, shared, cluster


def test_shared_stack_has_ca_certificate_zone_and_network():
    domain, network, shared, _ = synth()
    template = assertions.Template.from_stack(shared)
    template.has_resource_properties(
        "AWS::ACMPCA::CertificateAuthority",
        {"Type": "ROOT", "KeyAlgorithm": "RSA_4096", "SigningAlgorithm": "SHA512WITHRSA"},
    )
    template.resource_count_is("AWS::ACMPCA::CertificateAuthorityActivation", 1)
    template.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        {"DomainName": "example.com", "SubjectAlternativeNames": ["*.example.com"]},
    )
    template.has_resource_properties("AWS::Route53::HostedZone", {"Name": "example.com."})
    template.has_resource_properties(
        "AWS::VpcLattice::ServiceNetwork", {"Name": "lattice-gateway", "AuthType": "AWS_IAM"}
    )
    template.resource_count_is("AWS::VpcLattice::AuthPolicy", 1)
    assert network.service_network_name == "lattice-gateway"
    assert domain.domain_name == "example.com"


def test_cluster_stack_owns_its_vpc_association():
    _, _, shared, cluster = synth()
    assertions.Template.from_stack(cluster).resource_count_is(
        "AWS::VpcLattice::ServiceNetworkVpcAssociation", 1
    )
    assertions.Template.from_stack(shared).resource_count_is(
        "AWS::VpcLattice::ServiceNetworkVpcAssociation", 0
    )


def test_bad_domain_name_is_rejected_with_the_value():
    app = cdk.App()
    stack = cdk.Stack(app, "Bad")
    try:
        lattice.PrivateCaDomain(stack, "Domain", domain_name="Not_A_Domain")
    except Exception as err:  # jsii surfaces the JavaScript ValidationError
        assert "Not_A_Domain" in str(err)
    else:
        raise AssertionError("expected a validation error")


def test_lattice_eks_cluster_installs_controller_and_gateway():
    app = cdk.App()
    shared = cdk.Stack(app, "Shared")
    domain = lattice.PrivateCaDomain(shared, "Domain", domain_name="example.com")
    network = lattice.LatticeServiceNetwork(shared, "Network", service_network_name="lattice-gateway")
    stack = cdk.Stack(app, "Cluster1")
    cluster = lattice.LatticeEksCluster(
        stack,
        "Lattice",
        cluster_name="eks-cluster1",
        kubectl_layer=lambda_.LayerVersion.from_layer_version_arn(
            stack, "Kubectl", "arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1"
        ),
        service_network=network,
        domain=domain,
    )
    route = cluster.expose_service("Demo", service_name="demo-cluster1", namespace="apps", port=80, create_namespace=True)
    assert route.hostname == "demo-cluster1.example.com"
    assert route.lattice_service_name == "demo-cluster1-apps"
    template = assertions.Template.from_stack(stack)
    template.has_resource_properties("AWS::EKS::Cluster", {"Name": "eks-cluster1"})
    template.has_resource_properties(
        "Custom::AWSCDK-EKS-HelmChart",
        {"Chart": "aws-gateway-controller-chart", "Version": lattice.PinnedVersions.GATEWAY_API_CONTROLLER_CHART},
    )
    template.resource_count_is("AWS::VpcLattice::ServiceNetworkVpcAssociation", 1)
