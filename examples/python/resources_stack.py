"""The resources stack (examples/cross-cluster/resources-stack.ts)."""
from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack, aws_ec2 as ec2, aws_logs as logs, aws_route53 as route53
from cdk_lattice_eks import LatticeResource, LatticeResourceGateway
from constructs import Construct

from environment_stack import EnvironmentStack

#: Private DNS name of the example's TCP resource in the resources VPC.
DATABASE_HOST = "orders-db.resources.internal"
#: TCP port of the example's resource (PostgreSQL's).
DATABASE_PORT = 5432


class ResourcesStack(Stack):
    """A third VPC, with the same 10.0.0.0/16 CIDR as the clusters, holding a TCP
    resource (a PostgreSQL database at ``orders-db.resources.internal:5432``;
    the record points at the address where you run it). A resource gateway and
    a resource configuration put it on the shared service network, so pods of
    both clusters reach it by name through their VPC associations. The VPC
    itself reaches the network through a service-network VPC endpoint.
    """

    def __init__(self, scope: Construct, id: str, *, environment: EnvironmentStack, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        env = environment
        # Isolated subnets only: no NAT gateway, nothing reachable from the internet.
        self.vpc = ec2.Vpc(
            self, "Vpc",
            ip_addresses=ec2.IpAddresses.cidr("10.0.0.0/16"),
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="Resources", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24),
            ],
        )
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(logs.LogGroup(
                self, "FlowLogs",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=RemovalPolicy.DESTROY,
            )),
        )

        # The database's private name; point the record at your database's address.
        zone = route53.PrivateHostedZone(self, "Zone", zone_name="resources.internal", vpc=self.vpc)
        route53.ARecord(
            self, "DatabaseRecord",
            zone=zone,
            record_name="orders-db",
            target=route53.RecordTarget.from_ip_addresses("10.0.0.25"),
        )

        # The gateway resolves the name in the VPC (the private zone above) and connects on 5432 only.
        self.gateway = LatticeResourceGateway(self, "Gateway", vpc=self.vpc)
        self.database = self.gateway.add_resource_configuration(
            "Database",
            resource=LatticeResource.dns_name(DATABASE_HOST),
            port_ranges=[str(DATABASE_PORT)],
            service_network=env.network,
            name="orders-db",
        )

        # Clients in this VPC reach the network's services through an endpoint (this VPC has no association).
        self.endpoint = env.network.add_vpc_endpoint(self.vpc, private_dns_domains=[env.domain.domain_name])

        # Pods look up the association's DNS name with:
        # aws vpc-lattice get-service-network-resource-association --service-network-resource-association-identifier <id>
        CfnOutput(
            self, "DatabaseAssociationId",
            value=self.database.service_network_association.attr_id,
            description="Service network resource association of the database (its dnsEntry is the name pods connect to)",
        )
