package io.github.cdklatticeeks.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo applications: an nginx that answers with its name on port 80, and a gRPC server.
 *
 * <p>Same objects, in the same key order, as examples/cross-cluster/demo-app.ts
 * (the maps are ordered, so the synthesized manifests are identical).
 */
public final class DemoApp {
  /** Port the demo container listens on (the Service maps 80 to it). */
  public static final int DEMO_PORT = 8090;

  /** Pinned, official multi-arch image; it also ships curl for the validation calls. */
  public static final String DEMO_IMAGE = "public.ecr.aws/docker/library/nginx:1.29-alpine";

  /** Port of the demo gRPC server (the standard gRPC health service, {@code grpc.health.v1.Health}). */
  public static final int GREETER_PORT = 50051;

  /**
   * Pinned Kubernetes e2e test image whose {@code grpc-health-checking} command serves
   * {@code grpc.health.v1.Health} (and an HTTP control server on 8080).
   */
  public static final String GREETER_IMAGE = "registry.k8s.io/e2e-test-images/agnhost:2.53";

  private DemoApp() {
  }

  /** The Deployment and Service of the demo gRPC server {@code name} in {@code namespace}. */
  public static List<Map<String, Object>> greeterObjects(String name, String namespace) {
    Map<String, Object> labels = map("app.kubernetes.io/name", name);
    return List.of(
        map(
            "apiVersion", "apps/v1",
            "kind", "Deployment",
            "metadata", map("name", name, "namespace", namespace, "labels", labels),
            "spec", map(
                "replicas", 2,
                "selector", map("matchLabels", labels),
                "template", map(
                    "metadata", map("labels", labels),
                    "spec", map(
                        "terminationGracePeriodSeconds", 150,
                        "containers", List.of(map(
                            "name", name,
                            "image", GREETER_IMAGE,
                            "args", List.of("grpc-health-checking", "--port=" + GREETER_PORT),
                            "ports", List.of(map("name", "grpc", "containerPort", GREETER_PORT)),
                            "readinessProbe", map("grpc", map("port", GREETER_PORT)),
                            "lifecycle", map("preStop", map("sleep", map("seconds", 60))),
                            "resources", map(
                                "requests", map("cpu", "50m", "memory", "32Mi"),
                                "limits", map("memory", "64Mi")))))))),
        map(
            "apiVersion", "v1",
            "kind", "Service",
            "metadata", map("name", name, "namespace", namespace, "labels", labels),
            "spec", map(
                "selector", labels,
                "ports", List.of(map("name", "grpc", "port", GREETER_PORT, "targetPort", GREETER_PORT,
                    "protocol", "TCP", "appProtocol", "kubernetes.io/h2c")))));
  }

  /** The ConfigMap, Deployment and Service of the demo app {@code name} in {@code namespace}. */
  public static List<Map<String, Object>> objects(String name, String namespace, String serviceAccountName,
      String injectAnnotation) {
    Map<String, Object> labels = map("app.kubernetes.io/name", name);
    String deployment = name + "-v1";
    String nginxConf = String.join("\n",
        "server {",
        "  listen " + DEMO_PORT + ";",
        "  location / {",
        "    default_type text/plain;",
        "    return 200 \"Requesting to Pod($hostname): Hello from " + deployment + "\\n\";",
        "  }",
        "}",
        "");
    return List.of(
        map(
            "apiVersion", "v1",
            "kind", "ConfigMap",
            "metadata", map("name", name + "-nginx", "namespace", namespace, "labels", labels),
            "data", map("default.conf", nginxConf)),
        map(
            "apiVersion", "apps/v1",
            "kind", "Deployment",
            "metadata", map("name", deployment, "namespace", namespace, "labels", labels),
            "spec", map(
                "replicas", 2,
                "selector", map("matchLabels", labels),
                "template", map(
                    "metadata", map("labels", labels, "annotations", map(injectAnnotation, "true")),
                    "spec", map(
                        "serviceAccountName", serviceAccountName,
                        "terminationGracePeriodSeconds", 150,
                        "containers", List.of(map(
                            "name", deployment,
                            "image", DEMO_IMAGE,
                            "ports", List.of(map("name", "http", "containerPort", DEMO_PORT)),
                            "readinessProbe", map("httpGet", map("path", "/", "port", DEMO_PORT)),
                            // Lattice sends to a terminating pod until it is deregistered (controller FAQ).
                            "lifecycle", map("preStop", map("sleep", map("seconds", 60))),
                            "resources", map(
                                "requests", map("cpu", "50m", "memory", "32Mi"),
                                "limits", map("memory", "128Mi")),
                            "volumeMounts", List.of(
                                map("name", "nginx-conf", "mountPath", "/etc/nginx/conf.d", "readOnly", true)))),
                        "volumes", List.of(map("name", "nginx-conf", "configMap", map("name", name + "-nginx"))))))),
        map(
            "apiVersion", "v1",
            "kind", "Service",
            "metadata", map("name", name, "namespace", namespace, "labels", labels),
            "spec", map(
                "selector", labels,
                "ports", List.of(map("name", "http", "port", 80, "targetPort", DEMO_PORT, "protocol", "TCP")))));
  }

  /** An insertion-ordered map from alternating keys and values. */
  static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("map() takes key/value pairs");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      result.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return result;
  }
}
