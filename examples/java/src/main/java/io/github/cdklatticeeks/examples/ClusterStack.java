package io.github.cdklatticeeks.examples;

import io.github.cdklatticeeks.EksWorkloadCallerOptions;
import io.github.cdklatticeeks.ExposeServiceOptions;
import io.github.cdklatticeeks.LatticeCaller;
import io.github.cdklatticeeks.LatticeEksCluster;
import io.github.cdklatticeeks.LatticeServiceRoute;
import io.github.cdklatticeeks.LatticeWorkload;
import io.github.cdklatticeeks.LatticeWorkloadOptions;
import io.github.cdklatticeeks.SigV4ClientOptions;
import io.github.cdklatticeeks.SigV4SidecarPolicy;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.constructs.Construct;

/**
 * One EKS cluster on the shared service network (both clusters use
 * 10.0.0.0/16), running a demo app that only the other cluster may call.
 */
public class ClusterStack extends Stack {
  /** Namespace of the demo apps in both clusters. */
  public static final String APPS_NAMESPACE = "apps";
  /** Name of the service both clusters serve (its export, Deployment and route). */
  public static final String SHARED_SERVICE = "inventory";

  /**
   * Settings of one cluster stack.
   *
   * @param clusterName EKS cluster name, e.g. {@code eks-cluster1}
   * @param appName name of the demo app, e.g. {@code demo-cluster1} (also its host name under the domain)
   * @param allowedCallerCluster the cluster whose {@code apps} namespace may call this cluster's app
   * @param environment the shared environment (domain, service network, client role)
   * @param nodeInstanceType node instance type
   */
  public record Settings(String clusterName, String appName, String allowedCallerCluster,
      EnvironmentStack environment, InstanceType nodeInstanceType) {
  }

  private final LatticeEksCluster lattice;
  private final SigV4SidecarPolicy sidecar;
  private final LatticeServiceRoute route;
  private final String appName;
  private final LatticeWorkload sharedService;

  public ClusterStack(Construct scope, String id, StackProps props, Settings settings) {
    super(scope, id, props);
    EnvironmentStack env = settings.environment();
    this.lattice = LatticeEksCluster.Builder.create(this, "Lattice")
        .clusterName(settings.clusterName())
        .kubectlLayer(KubectlLayer.create(this, "Kubectl"))
        .serviceNetwork(env.getNetwork())
        .domain(env.getDomain())
        .vpcCidr("10.0.0.0/16")
        .nodeInstanceType(settings.nodeInstanceType())
        .build();

    // Pods annotated for injection get the SigV4 proxy; they sign as the shared client role.
    this.appName = settings.appName();
    this.sidecar = SigV4SidecarPolicy.Builder.create(this, "SigV4")
        .cluster(lattice)
        .domain(env.getDomain())
        .namespaces(List.of(APPS_NAMESPACE))
        .build();
    sidecar.addClient("Client", SigV4ClientOptions.builder()
        .namespace(APPS_NAMESPACE)
        .serviceAccountName(settings.appName())
        .role(env.getClientRole())
        .createNamespace(true)
        .createServiceAccount(true)
        .build());

    @SuppressWarnings("unchecked")
    Map<String, Object>[] objects = DemoApp.objects(settings.appName(), APPS_NAMESPACE, settings.appName(),
        sidecar.getAnnotationKey()).toArray(new Map[0]);
    KubernetesManifest app = lattice.getCluster().addManifest("DemoApp", objects);
    sidecar.addWorkload(app);

    this.route = lattice.exposeService("Demo", ExposeServiceOptions.builder()
        .serviceName(settings.appName())
        .namespace(APPS_NAMESPACE)
        .port(80)
        .targetPort(DemoApp.DEMO_PORT)
        .build());
    route.allow(LatticeCaller.eksWorkload(EksWorkloadCallerOptions.builder()
        .clusterName(settings.allowedCallerCluster())
        .namespaces(List.of(APPS_NAMESPACE))
        .build()));

    // Both clusters run and export the shared service (health check, preStop sleep, readiness gate);
    // one route (see CrossClusterApp) sends to both exports.
    this.sharedService = lattice.addLatticeWorkload("SharedService", LatticeWorkloadOptions.builder()
        .name(SHARED_SERVICE)
        .namespace(APPS_NAMESPACE)
        .image(DemoApp.DEMO_IMAGE)
        .containerPort(80)
        .exportName(SHARED_SERVICE)
        .build());
  }

  public LatticeEksCluster getLattice() {
    return lattice;
  }

  public SigV4SidecarPolicy getSidecar() {
    return sidecar;
  }

  public LatticeServiceRoute getRoute() {
    return route;
  }

  public String getAppName() {
    return appName;
  }

  /** This cluster's share of the service both clusters serve (exported, routed by cluster 1). */
  public LatticeWorkload getSharedService() {
    return sharedService;
  }
}
