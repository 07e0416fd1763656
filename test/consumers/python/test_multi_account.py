"""The multi-account (hub and spoke) app of examples/multi-account, in Python, from the built package."""
import aws_cdk as cdk
from aws_cdk import assertions
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_lambda as lambda_

import cdk_lattice_eks as lattice

HUB, B, C = "111111111111", "222222222222", "333333333333"
REGION = "us-east-1"
DOMAIN = "example.com"
OU_PATH = "o-exampleorgid/r-ab12/ou-ab12-11111111/"
NETWORK_ARN = "arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-0123456789abcdef0"
CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"
ZONE_ID = "Z0123456789ABCDEFGHIJ"
WORKLOADS = [(B, "eks-b", "demo-b"), (C, "eks-c", "demo-c")]


def synth():
    app = cdk.App()
    hub = cdk.Stack(app, "lattice-hub", env=cdk.Environment(account=HUB, region=REGION))
    network = lattice.LatticeServiceNetwork(
        hub, "ServiceNetwork", service_network_name="lattice-gateway", allowed_account_ids=[B, C]
    )
    network.share_with("Workloads", account_ids=[B, C])
    domain = lattice.PrivateCaDomain(hub, "Domain", domain_name=DOMAIN)
    domain.share_certificate_authority("Workloads", account_ids=[B, C])
    for account, _, app_name in WORKLOADS:
        domain.add_spoke_account(account, hostnames=[f"{app_name}.{DOMAIN}"])

    workloads = []
    for i, (account, cluster_name, app_name) in enumerate(WORKLOADS):
        other_account, other_cluster, _ = WORKLOADS[1 - i]
        stack = cdk.Stack(app, f"lattice-workload-{cluster_name}", env=cdk.Environment(account=account, region=REGION))
        shared = lattice.LatticeServiceNetwork.from_service_network_attributes(
            stack, "HubNetwork",
            service_network_name="lattice-gateway",
            service_network_id=NETWORK_ARN.split("/")[-1],
            service_network_arn=NETWORK_ARN,
        )
        spoke_domain = lattice.PrivateCaDomain(
            stack, "Domain",
            domain_name=DOMAIN,
            certificate_authority=acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "HubCa", CA_ARN),
            hub_hosted_zone=lattice.HubHostedZone(hosted_zone_id=ZONE_ID, account_id=HUB),
        )
        cluster = lattice.LatticeEksCluster(
            stack, "Lattice",
            cluster_name=cluster_name,
            kubectl_layer=lambda_.LayerVersion.from_layer_version_arn(
                stack, "Kubectl", f"arn:aws:lambda:{REGION}:{account}:layer:kubectl:1"
            ),
            service_network=shared,
            domain=spoke_domain,
        )
        route = cluster.expose_service(
            "Demo", service_name=app_name, namespace="apps", port=80, hostname=f"{app_name}.{DOMAIN}", create_namespace=True
        )
        route.allow(
            lattice.LatticeCaller.eks_workload(
                cluster_name=other_cluster, namespaces=["apps"], account=other_account, region=REGION
            ).with_organization_paths([OU_PATH])
        )
        workloads.append(stack)
    return hub, workloads


def test_three_accounts_hub_shares_network_and_ca():
    hub, workloads = synth()
    assert [s.account for s in [hub, *workloads]] == [HUB, B, C]
    template = assertions.Template.from_stack(hub)
    template.resource_count_is("AWS::RAM::ResourceShare", 2)
    template.has_resource_properties("AWS::RAM::ResourceShare", {"Principals": [B, C], "PermissionArns": assertions.Match.any_value()})
    template.has_resource_properties("AWS::IAM::Role", {"RoleName": f"lattice-zone-{B}-example-com"})
    template.has_resource_properties("AWS::IAM::Role", {"RoleName": f"lattice-zone-vpc-{B}-example-com"})


def test_workloads_join_the_shared_network_by_arn_and_the_hub_zone():
    _, workloads = synth()
    for stack in workloads:
        template = assertions.Template.from_stack(stack)
        template.has_resource_properties(
            "AWS::VpcLattice::ServiceNetworkVpcAssociation", {"ServiceNetworkIdentifier": NETWORK_ARN}
        )
        template.resource_count_is("AWS::VpcLattice::ServiceNetwork", 0)
        template.resource_count_is("AWS::Route53::HostedZone", 0)
        # One resource: its own function authorizes through the hub's VPC role, then associates.
        template.resource_count_is("Custom::PrivateZoneVpcAssociationAuthorization", 0)
        template.resource_count_is("Custom::PrivateZoneVpcAssociation", 1)
        template.has_resource_properties("AWS::CertificateManager::Certificate", {"CertificateAuthorityArn": CA_ARN})
