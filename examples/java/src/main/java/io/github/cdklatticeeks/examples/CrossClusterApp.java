package io.github.cdklatticeeks.examples;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklatticeeks.EksWorkloadCallerOptions;
import io.github.cdklatticeeks.ExposeServiceOptions;
import io.github.cdklatticeeks.ImportServiceOptions;
import io.github.cdklatticeeks.LatticeCaller;
import io.github.cdklatticeeks.LatticeRouteProtocol;
import io.github.cdklatticeeks.LatticeServiceRoute;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;

/**
 * Cross-cluster example in Java: the same two-cluster VPC Lattice app as
 * examples/cross-cluster (TypeScript), built on the cdk-lattice-eks jar.
 *
 * <p>Synthesize offline with {@code mvn compile exec:java} ({@code CDK_OUTDIR}
 * picks the output folder, default {@code cdk.out}); deploy with
 * {@code npx cdk deploy --all} from this folder.
 */
public final class CrossClusterApp {
  private CrossClusterApp() {
  }

  /** The stacks of the example. */
  public record CrossClusterExample(EnvironmentStack environment, List<ClusterStack> clusters,
      ResourcesStack resources, LatticeServiceRoute sharedRoute, LatticeServiceRoute greeterRoute) {
  }

  /** Name of the demo gRPC server (its Deployment, Service and route) in cluster 2. */
  public static final String GREETER_SERVICE = "greeter";

  /**
   * Adds the example's stacks to {@code app}: the shared environment, two
   * clusters that may call each other's demo app and both serve one shared service, a gRPC service in cluster 2
   * that cluster 1 calls, and a VPC with a TCP resource that both clusters reach through the service network. Settings come from
   * CDK context: domainName, serviceNetworkName, nodeInstanceType, account,
   * region.
   */
  public static CrossClusterExample addCrossClusterExample(App app) {
    Environment env = Environment.builder()
        .account(ctx(app, "account", null))
        .region(ctx(app, "region", null))
        .build();

    EnvironmentStack environment = new EnvironmentStack(app, "lattice-environment",
        StackProps.builder()
            .env(env)
            .description("cdk-lattice-eks example: shared private CA, domain, VPC Lattice service network and client role")
            .build(),
        ctx(app, "domainName", "example.com"),
        ctx(app, "serviceNetworkName", "lattice-gateway"));

    List<String> names = List.of("eks-cluster1", "eks-cluster2");
    List<ClusterStack> clusters = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String clusterName = names.get(i);
      clusters.add(new ClusterStack(app, clusterName,
          StackProps.builder()
              .env(env)
              .description("cdk-lattice-eks example: EKS cluster " + clusterName
                  + " on the shared VPC Lattice service network")
              .build(),
          new ClusterStack.Settings(
              clusterName,
              clusterName.replaceFirst("eks-", "demo-"),
              names.get(1 - i),
              environment,
              new InstanceType(ctx(app, "nodeInstanceType", "t3.large")))));
    }

    // One Lattice service served by both clusters, half the requests each; set a
    // cluster's weight to 0 to drain it (failover, cluster upgrades).
    LatticeServiceRoute sharedRoute = clusters.get(0).getLattice().importService("SharedServiceRoute",
        ImportServiceOptions.builder()
            .routeName(ClusterStack.SHARED_SERVICE)
            .namespace(ClusterStack.APPS_NAMESPACE)
            .port(80)
            .backends(clusters.stream().map((c) -> c.getSharedService().getServiceExport().backend(50)).toList())
            .build());
    sharedRoute.allow(names.stream()
        .map((clusterName) -> LatticeCaller.eksWorkload(EksWorkloadCallerOptions.builder()
            .clusterName(clusterName)
            .namespaces(List.of(ClusterStack.APPS_NAMESPACE))
            .build()))
        .toArray(LatticeCaller[]::new));

    // A gRPC service in cluster 2 that cluster 1's demo app may call, and only its health Check method.
    ClusterStack server = clusters.get(1);
    @SuppressWarnings("unchecked")
    Map<String, Object>[] greeter = DemoApp.greeterObjects(GREETER_SERVICE, ClusterStack.APPS_NAMESPACE)
        .toArray(new Map[0]);
    KubernetesManifest greeterManifest = server.getLattice().getCluster().addManifest("Greeter", greeter);
    // Not injected (it calls nothing), but in the sidecar's namespace: created once the namespace exists, deleted before it.
    server.getSidecar().addWorkload(greeterManifest);
    LatticeServiceRoute greeterRoute = server.getLattice().exposeService("Greeter", ExposeServiceOptions.builder()
        .serviceName(GREETER_SERVICE)
        .namespace(ClusterStack.APPS_NAMESPACE)
        .port(DemoApp.GREETER_PORT)
        .protocol(LatticeRouteProtocol.GRPC)
        .build());
    greeterRoute.allow(LatticeCaller.eksWorkload(EksWorkloadCallerOptions.builder()
            .clusterName(names.get(0))
            .namespaces(List.of(ClusterStack.APPS_NAMESPACE))
            .build())
        .withGrpcMethods(List.of("grpc.health.v1.Health/Check")));

    ResourcesStack resources = new ResourcesStack(app, "lattice-resources",
        StackProps.builder()
            .env(env)
            .description("cdk-lattice-eks example: TCP resource in a third 10.0.0.0/16 VPC, on the service network"
                + " through a resource gateway")
            .build(),
        environment);
    return new CrossClusterExample(environment, clusters, resources, sharedRoute, greeterRoute);
  }

  private static String ctx(App app, String key, String fallback) {
    Object value = app.getNode().tryGetContext(key);
    return value == null ? fallback : value.toString();
  }

  /** Synthesizes {@code app} and prints one line per stack. */
  public static void synthAndSummarize(App app) {
    CloudAssembly assembly = app.synth();
    for (CloudFormationStackArtifact stack : assembly.getStacks()) {
      Map<?, ?> template = (Map<?, ?>) stack.getTemplate();
      Map<?, ?> resources = template.get("Resources") instanceof Map<?, ?> r ? r : Map.of();
      long functions = resources.values().stream()
          .filter(r -> r instanceof Map<?, ?> m && "AWS::Lambda::Function".equals(m.get("Type")))
          .count();
      long bytes = new File(assembly.getDirectory(), stack.getTemplateFile()).length();
      System.out.println(String.format(Locale.ROOT, "%s: %d resources, %d Lambda functions, %.1f KiB template",
          stack.getStackName(), resources.size(), functions, bytes / 1024.0));
    }
    Path cwd = Path.of("").toAbsolutePath();
    System.out.println("Cloud assembly: " + cwd.relativize(Path.of(assembly.getDirectory()).toAbsolutePath()));
  }

  public static void main(String[] args) {
    App app = new App();
    CrossClusterExample example = addCrossClusterExample(app);
    // cdk-nag's AwsSolutions pack, as in the TypeScript example: unacknowledged findings fail the synth.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // AwsSolutions-EKS1 (public API endpoint) only fires in Java: on aws-cdk-lib 2.263 (the newest on Maven
    // Central) aws-eks-v2 creates an aws_eks.CfnCluster, which cdk-nag 3.0.2's rule checks; on the releases
    // the TypeScript (2.276) and Python (2.275) examples run on, the resource is an aws_eks_v2.CfnCluster,
    // which the rule does not recognize, so it is never evaluated there. The template is the same.
    for (ClusterStack cluster : example.clusters()) {
      Validations.of(cluster.getLattice().getCluster()).acknowledge(Acknowledgment.builder()
          .id("AwsSolutions-EKS1")
          .reason("The example keeps LatticeEksCluster's default endpoint access (public and private) so kubectl works"
              + " from outside the VPC; restrict it with endpointAccess (onlyFrom(...) CIDRs, or PRIVATE).")
          .build());
    }
    synthAndSummarize(app);
  }
}
