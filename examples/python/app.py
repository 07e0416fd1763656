#!/usr/bin/env python3
"""Cross-cluster example in Python: the same two-cluster VPC Lattice app as
examples/cross-cluster (TypeScript), built on the cdk-lattice-eks wheel.

Synthesize offline with ``python app.py`` (``CDK_OUTDIR`` picks the output
folder, default ``cdk.out``); deploy with ``npx cdk deploy --all`` from this
folder. Settings come from CDK context: domainName, serviceNetworkName,
nodeInstanceType, account, region.
"""
import os
from dataclasses import dataclass
from typing import List

from aws_cdk import App, Environment, Validations, aws_ec2 as ec2
from cdk_lattice_eks import LatticeCaller, LatticeRouteProtocol, LatticeServiceRoute
from cdk_nag import AwsSolutionsChecks

from cluster_stack import APPS_NAMESPACE, SHARED_SERVICE, ClusterStack
from demo_app import GREETER_PORT, greeter_objects
from environment_stack import EnvironmentStack
from resources_stack import ResourcesStack


@dataclass(frozen=True)
class CrossClusterExample:
    """The stacks of the example."""

    environment: EnvironmentStack
    clusters: List[ClusterStack]
    resources: ResourcesStack
    #: The route of the service both clusters serve (on cluster 1's Gateway).
    shared_route: LatticeServiceRoute
    #: The gRPC service of cluster 2 that cluster 1 calls (a GRPCRoute).
    greeter_route: LatticeServiceRoute


#: Name of the demo gRPC server (its Deployment, Service and route) in cluster 2.
GREETER_SERVICE = "greeter"


def add_cross_cluster_example(app: App) -> CrossClusterExample:
    """Adds the example's stacks to ``app``: the shared environment, two
    clusters that may call each other's demo app and both serve one shared service, a gRPC service in cluster 2
    that cluster 1 calls, and a VPC with a TCP resource that both clusters reach through the service network.
    """

    def ctx(key: str, fallback: str) -> str:
        value = app.node.try_get_context(key)
        return fallback if value is None else value

    env = Environment(account=app.node.try_get_context("account"), region=app.node.try_get_context("region"))

    environment = EnvironmentStack(
        app, "lattice-environment",
        env=env,
        domain_name=ctx("domainName", "example.com"),
        service_network_name=ctx("serviceNetworkName", "lattice-gateway"),
        description="cdk-lattice-eks example: shared private CA, domain, VPC Lattice service network and client role",
    )

    names = ["eks-cluster1", "eks-cluster2"]
    clusters = [
        ClusterStack(
            app, cluster_name,
            env=env,
            cluster_name=cluster_name,
            app_name=cluster_name.replace("eks-", "demo-", 1),
            allowed_caller_cluster=names[1 - i],
            environment=environment,
            node_instance_type=ec2.InstanceType(ctx("nodeInstanceType", "t3.large")),
            description=f"cdk-lattice-eks example: EKS cluster {cluster_name} on the shared VPC Lattice service network",
        )
        for i, cluster_name in enumerate(names)
    ]

    # One Lattice service served by both clusters, half the requests each; set a
    # cluster's weight to 0 to drain it (failover, cluster upgrades).
    shared_route = clusters[0].lattice.import_service(
        "SharedServiceRoute",
        route_name=SHARED_SERVICE,
        namespace=APPS_NAMESPACE,
        port=80,
        backends=[c.shared_service.service_export.backend(50) for c in clusters],
    )
    shared_route.allow(*[LatticeCaller.eks_workload(cluster_name=name, namespaces=[APPS_NAMESPACE]) for name in names])

    # A gRPC service in cluster 2 that cluster 1's demo app may call, and only its health Check method.
    server = clusters[1]
    greeter = server.lattice.cluster.add_manifest("Greeter", *greeter_objects(GREETER_SERVICE, APPS_NAMESPACE))
    # Not injected (it calls nothing), but in the sidecar's namespace: created once the namespace exists, deleted before it.
    server.sidecar.add_workload(greeter)
    greeter_route = server.lattice.expose_service(
        "Greeter",
        service_name=GREETER_SERVICE,
        namespace=APPS_NAMESPACE,
        port=GREETER_PORT,
        protocol=LatticeRouteProtocol.GRPC,
    )
    greeter_route.allow(
        LatticeCaller.eks_workload(cluster_name=names[0], namespaces=[APPS_NAMESPACE])
        .with_grpc_methods(["grpc.health.v1.Health/Check"])
    )

    resources = ResourcesStack(
        app, "lattice-resources",
        env=env,
        environment=environment,
        description="cdk-lattice-eks example: TCP resource in a third 10.0.0.0/16 VPC, on the service network through a resource gateway",
    )
    return CrossClusterExample(
        environment=environment, clusters=clusters, resources=resources, shared_route=shared_route, greeter_route=greeter_route,
    )


def synth_and_summarize(app: App) -> None:
    """Synthesizes ``app`` and prints one line per stack."""
    assembly = app.synth()
    for stack in assembly.stacks:
        resources = list((stack.template.get("Resources") or {}).values())
        functions = sum(1 for r in resources if r.get("Type") == "AWS::Lambda::Function")
        size = os.path.getsize(os.path.join(assembly.directory, stack.template_file))
        print(f"{stack.stack_name}: {len(resources)} resources, {functions} Lambda functions, {size / 1024:.1f} KiB template")
    print(f"Cloud assembly: {os.path.relpath(assembly.directory)}")


if __name__ == "__main__":
    cdk_app = App()
    add_cross_cluster_example(cdk_app)
    # cdk-nag's AwsSolutions pack, as in the TypeScript example: unacknowledged findings fail the synth.
    Validations.of(cdk_app).add_plugins(AwsSolutionsChecks(cdk_app))
    synth_and_summarize(cdk_app)
