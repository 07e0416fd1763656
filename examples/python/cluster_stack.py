"""One cluster stack (examples/cross-cluster/cluster-stack.ts)."""
from typing import Any

from aws_cdk import Stack, aws_ec2 as ec2
from aws_cdk.lambda_layer_kubectl_v35 import KubectlV35Layer
from cdk_lattice_eks import LatticeCaller, LatticeEksCluster, SigV4SidecarPolicy
from constructs import Construct

from demo_app import DEMO_IMAGE, DEMO_PORT, demo_app_objects
from environment_stack import EnvironmentStack

#: Namespace of the demo apps in both clusters.
APPS_NAMESPACE = "apps"

#: Name of the service both clusters serve (its export, Deployment and route).
SHARED_SERVICE = "inventory"


class ClusterStack(Stack):
    """One EKS cluster on the shared service network (both clusters use
    10.0.0.0/16), running a demo app that only the other cluster may call.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        app_name: str,
        allowed_caller_cluster: str,
        environment: EnvironmentStack,
        node_instance_type: ec2.InstanceType,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        env = environment
        self.lattice = LatticeEksCluster(
            self, "Lattice",
            cluster_name=cluster_name,
            kubectl_layer=KubectlV35Layer(self, "Kubectl"),
            service_network=env.network,
            domain=env.domain,
            vpc_cidr="10.0.0.0/16",
            node_instance_type=node_instance_type,
        )

        # Pods annotated for injection get the SigV4 proxy; they sign as the shared client role.
        self.app_name = app_name
        self.sidecar = sidecar = SigV4SidecarPolicy(self, "SigV4", cluster=self.lattice, domain=env.domain, namespaces=[APPS_NAMESPACE])
        sidecar.add_client(
            "Client",
            namespace=APPS_NAMESPACE,
            service_account_name=app_name,
            role=env.client_role,
            create_namespace=True,
            create_service_account=True,
        )

        app = self.lattice.cluster.add_manifest(
            "DemoApp", *demo_app_objects(app_name, APPS_NAMESPACE, app_name, sidecar.annotation_key))
        sidecar.add_workload(app)

        self.route = route = self.lattice.expose_service(
            "Demo", service_name=app_name, namespace=APPS_NAMESPACE, port=80, target_port=DEMO_PORT
        )
        route.allow(LatticeCaller.eks_workload(cluster_name=allowed_caller_cluster, namespaces=[APPS_NAMESPACE]))

        # Both clusters run and export the shared service (health check, preStop sleep, readiness gate);
        # one route (see app.py) sends to both exports.
        self.shared_service = self.lattice.add_lattice_workload(
            "SharedService",
            name=SHARED_SERVICE,
            namespace=APPS_NAMESPACE,
            image=DEMO_IMAGE,
            container_port=80,
            export_name=SHARED_SERVICE,
        )
