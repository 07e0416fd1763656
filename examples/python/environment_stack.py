"""The shared environment stack (examples/cross-cluster/environment-stack.ts)."""
from typing import Any

from aws_cdk import Stack, aws_iam as iam
from cdk_lattice_eks import LatticeServiceNetwork, PrivateCaDomain
from constructs import Construct


class EnvironmentStack(Stack):
    """What every cluster shares: the private CA and domain, the service network,
    and the client identity that the demo pods of both clusters assume through
    EKS Pod Identity (session tags tell the clusters and namespaces apart).
    """

    def __init__(self, scope: Construct, id: str, *, domain_name: str, service_network_name: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.domain = PrivateCaDomain(self, "Domain", domain_name=domain_name)
        self.network = LatticeServiceNetwork(self, "ServiceNetwork", service_network_name=service_network_name)
        self.client_role = iam.Role(
            self, "Sigv4Client",
            assumed_by=iam.ServicePrincipal("pods.eks.amazonaws.com").with_session_tags(),
            description="SigV4 client of the demo pods in every cluster (EKS Pod Identity)",
        )
