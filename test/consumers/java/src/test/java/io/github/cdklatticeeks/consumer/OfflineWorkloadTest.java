package io.github.cdklatticeeks.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdklatticeeks.ArtifactSources;
import io.github.cdklatticeeks.ChartRepositoryMirrors;
import io.github.cdklatticeeks.EcrPullThroughOptions;
import io.github.cdklatticeeks.GatewayApiCrdsFileOptions;
import io.github.cdklatticeeks.GatewayApiCrdsSource;
import io.github.cdklatticeeks.ImportServiceOptions;
import io.github.cdklatticeeks.LatticeEksCluster;
import io.github.cdklatticeeks.LatticeServiceNetwork;
import io.github.cdklatticeeks.LatticeServiceRoute;
import io.github.cdklatticeeks.LatticeWorkload;
import io.github.cdklatticeeks.LatticeWorkloadOptions;
import io.github.cdklatticeeks.PrivateCaDomain;
import io.github.cdklatticeeks.ServiceImportBackend;
import io.github.cdklatticeeks.SigV4SidecarPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.LayerVersion;

/** A cluster without internet access and a one-call exported workload, in Java, from the built jar. */
class OfflineWorkloadTest {
  static final String ACCOUNT = "123456789012";
  static final String REGION = "eu-west-1";
  static final String REGISTRY = ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com";
  static final ChartRepositoryMirrors CHARTS = ChartRepositoryMirrors.builder()
      .gatewayApiController("oci://" + REGISTRY + "/charts/aws-gateway-controller-chart")
      .externalDns("oci://" + REGISTRY + "/charts/external-dns")
      .kyverno("oci://" + REGISTRY + "/charts/kyverno")
      .build();
  static final String IMAGE = REGISTRY + "/shop/inventory:1.0.0";
  static final List<String> UPSTREAM_HOSTS = List.of("docker.io", "registry.k8s.io", "public.ecr.aws", "ghcr.io", "github.com");
  static final byte[] BUNDLE = "# stand-in Gateway API CRD bundle for a consumer test\n".getBytes(StandardCharsets.UTF_8);

  record Synthesized(Stack shared, Stack stack, LatticeWorkload inventory, LatticeServiceRoute route) {}

  @TempDir
  Path directory;

  static String sha256(byte[] content) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  Synthesized synth(String crdsSha256) throws IOException {
    // A small stand-in for standard-install.yaml (never the real bundle).
    Path bundle = Files.write(directory.resolve("standard-install.yaml"), BUNDLE);
    App app = new App();
    StackProps props = StackProps.builder().env(Environment.builder().account(ACCOUNT).region(REGION).build()).build();
    Stack shared = new Stack(app, "Shared", props);
    PrivateCaDomain domain = PrivateCaDomain.Builder.create(shared, "Domain").domainName("example.com").build();
    LatticeServiceNetwork network =
        LatticeServiceNetwork.Builder.create(shared, "Network").serviceNetworkName("lattice-gateway").build();
    Stack stack = new Stack(app, "Cluster1", props);
    LatticeEksCluster cluster = LatticeEksCluster.Builder.create(stack, "Lattice")
        .clusterName("eks-cluster1")
        .kubectlLayer(LayerVersion.fromLayerVersionArn(stack, "Kubectl", "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":layer:kubectl:1"))
        .serviceNetwork(network)
        .domain(domain)
        .sources(ArtifactSources.ecrPullThrough(EcrPullThroughOptions.builder().charts(CHARTS).build()))
        .gatewayApiCrds(GatewayApiCrdsSource.fromFile(bundle.toString(), GatewayApiCrdsFileOptions.builder().sha256(crdsSha256).build()))
        .build();
    SigV4SidecarPolicy sidecar = SigV4SidecarPolicy.Builder.create(stack, "SigV4").cluster(cluster).domain(domain).build();
    LatticeWorkload inventory = cluster.addLatticeWorkload("Inventory", LatticeWorkloadOptions.builder()
        .name("inventory").namespace("shop").image(IMAGE).containerPort(8080).exportName("inventory").sidecar(sidecar).build());
    LatticeServiceRoute route = cluster.importService("InventoryRoute", ImportServiceOptions.builder()
        .routeName("inventory").namespace("shop").port(80).backends(List.of(inventory.getServiceExport().backend(100))).build());
    return new Synthesized(shared, stack, inventory, route);
  }

  Synthesized synth() throws Exception {
    return synth(sha256(BUNDLE));
  }

  /** Every string (keys included) of a template. */
  static void strings(Object value, List<String> out) {
    if (value instanceof String s) {
      out.add(s);
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        out.add(String.valueOf(k));
        strings(v, out);
      });
    } else if (value instanceof List<?> list) {
      list.forEach((v) -> strings(v, out));
    }
  }

  /** A Kubernetes manifest applied to the stack's one EKS cluster holding an object like `object`. */
  static void hasClusterObject(Template template, Map<String, Object> object) {
    String clusterId = template.findResources("AWS::EKS::Cluster").keySet().iterator().next();
    template.hasResourceProperties("Custom::AWSCDK-EKS-KubernetesResource", Map.of(
        "ClusterName", Map.of("Ref", clusterId),
        "Manifest", Match.serializedJson(Match.arrayWith(List.of(Match.objectLike(object))))));
  }

  @Test
  void noTemplateStringNamesAnUpstreamRegistryOrGithub() throws Exception {
    Synthesized s = synth();
    TreeSet<String> found = new TreeSet<>();
    for (Stack stack : List.of(s.shared(), s.stack())) {
      List<String> all = new ArrayList<>();
      strings(Template.fromStack(stack).toJSON(), all);
      for (String str : all) {
        for (String host : UPSTREAM_HOSTS) {
          if (str.contains(host)) found.add(stack.getStackName() + ": " + host);
        }
      }
    }
    assertEquals(new TreeSet<String>(), found);
    Template template = Template.fromStack(s.stack());
    for (String repository : List.of(CHARTS.getGatewayApiController(), CHARTS.getExternalDns(), CHARTS.getKyverno())) {
      template.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Map.of("Repository", repository));
    }
  }

  @Test
  void theExportedWorkloadHasAServiceExportAndItsHealthCheck() throws Exception {
    Synthesized s = synth();
    Template template = Template.fromStack(s.stack());
    hasClusterObject(template, Map.of("kind", "ServiceExport",
        "metadata", Map.of("name", "inventory", "namespace", "shop"),
        "spec", Map.of("exportedPorts", List.of(Map.of("port", 80, "routeType", "HTTP")))));
    hasClusterObject(template, Map.of("kind", "TargetGroupPolicy",
        "spec", Map.of("targetRef", Map.of("group", "application-networking.k8s.aws", "kind", "ServiceExport", "name", "inventory"))));
    assertNull(s.inventory().getRoute());
    assertEquals("inventory", s.inventory().getServiceExport().getExportName());
  }

  @Test
  void theDeploymentDrainsWithAPreStopHookAndPullsTheGivenImage() throws Exception {
    Synthesized s = synth();
    hasClusterObject(Template.fromStack(s.stack()), Map.of("kind", "Deployment",
        "spec", Map.of("template", Map.of("spec", Map.of(
            "terminationGracePeriodSeconds", 150,
            "containers", List.of(Match.objectLike(Map.of(
                "image", IMAGE,
                "lifecycle", Map.of("preStop", Map.of("sleep", Map.of("seconds", 60)))))))))));
    assertEquals(60, s.inventory().getPreStopSeconds().intValue());
  }

  @Test
  void importServiceRoutesToTheExportWithItsWeight() throws Exception {
    Synthesized s = synth();
    ServiceImportBackend backend = s.inventory().getServiceExport().backend(100);
    assertEquals(List.of("inventory", "eks-cluster1", 100),
        List.of(backend.getExportName(), backend.getClusterName(), backend.getWeight().intValue()));
    hasClusterObject(Template.fromStack(s.stack()), Map.of("kind", "HTTPRoute",
        "metadata", Map.of("name", "inventory", "namespace", "shop"),
        "spec", Map.of("rules", List.of(Map.of("backendRefs", List.of(Map.of(
            "group", "application-networking.k8s.aws", "kind", "ServiceImport", "name", "inventory-1", "weight", 100)))))));
    assertEquals("inventory.example.com", s.route().getHostname());
  }

  @Test
  void aCrdBundleWithAnotherSha256FailsSynthNamingBothHashes() throws Exception {
    String wrong = "0".repeat(64);
    RuntimeException error = assertThrows(RuntimeException.class, () -> synth(wrong));
    String message = error.getMessage();
    assertTrue(message.contains("LatticeEksCluster (Cluster1/Lattice): gatewayApiCrds:"), message);
    assertTrue(message.contains("has SHA-256 " + sha256(BUNDLE) + ", expected " + wrong), message);
  }
}
