"""The demo applications: an nginx that answers with its name on port 80, and a gRPC server.

Same objects, in the same key order, as examples/cross-cluster/demo-app.ts.
"""
from typing import Any, Dict, List

#: Port the demo container listens on (the Service maps 80 to it).
DEMO_PORT = 8090

#: Pinned, official multi-arch image; it also ships curl for the validation calls.
DEMO_IMAGE = "public.ecr.aws/docker/library/nginx:1.29-alpine"


def demo_app_objects(name: str, namespace: str, service_account_name: str, inject_annotation: str) -> List[Dict[str, Any]]:
    """The ConfigMap, Deployment and Service of the demo app ``name`` in ``namespace``."""
    labels = {"app.kubernetes.io/name": name}
    deployment = f"{name}-v1"
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"{name}-nginx", "namespace": namespace, "labels": labels},
            "data": {
                "default.conf": "\n".join([
                    "server {",
                    f"  listen {DEMO_PORT};",
                    "  location / {",
                    "    default_type text/plain;",
                    f'    return 200 "Requesting to Pod($hostname): Hello from {deployment}\\n";',
                    "  }",
                    "}",
                    "",
                ]),
            },
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": deployment, "namespace": namespace, "labels": labels},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels, "annotations": {inject_annotation: "true"}},
                    "spec": {
                        "serviceAccountName": service_account_name,
                        "terminationGracePeriodSeconds": 150,
                        "containers": [{
                            "name": deployment,
                            "image": DEMO_IMAGE,
                            "ports": [{"name": "http", "containerPort": DEMO_PORT}],
                            "readinessProbe": {"httpGet": {"path": "/", "port": DEMO_PORT}},
                            # Lattice sends to a terminating pod until it is deregistered (controller FAQ).
                            "lifecycle": {"preStop": {"sleep": {"seconds": 60}}},
                            "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"memory": "128Mi"}},
                            "volumeMounts": [{"name": "nginx-conf", "mountPath": "/etc/nginx/conf.d", "readOnly": True}],
                        }],
                        "volumes": [{"name": "nginx-conf", "configMap": {"name": f"{name}-nginx"}}],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {"selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": DEMO_PORT, "protocol": "TCP"}]},
        },
    ]


#: Port of the demo gRPC server (the standard gRPC health service, ``grpc.health.v1.Health``).
GREETER_PORT = 50051

#: Pinned Kubernetes e2e test image whose ``grpc-health-checking`` command serves
#: ``grpc.health.v1.Health`` (and an HTTP control server on 8080).
GREETER_IMAGE = "registry.k8s.io/e2e-test-images/agnhost:2.53"


def greeter_objects(name: str, namespace: str) -> List[Dict[str, Any]]:
    """The Deployment and Service of the demo gRPC server ``name`` in ``namespace``."""
    labels = {"app.kubernetes.io/name": name}
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "terminationGracePeriodSeconds": 150,
                        "containers": [{
                            "name": name,
                            "image": GREETER_IMAGE,
                            "args": ["grpc-health-checking", f"--port={GREETER_PORT}"],
                            "ports": [{"name": "grpc", "containerPort": GREETER_PORT}],
                            "readinessProbe": {"grpc": {"port": GREETER_PORT}},
                            "lifecycle": {"preStop": {"sleep": {"seconds": 60}}},
                            "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
                        }],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {
                "selector": labels,
                "ports": [{"name": "grpc", "port": GREETER_PORT, "targetPort": GREETER_PORT, "protocol": "TCP", "appProtocol": "kubernetes.io/h2c"}],
            },
        },
    ]
