package rehearsal;

import io.github.cdklatticeeks.LatticeServiceNetwork;
import io.github.cdklatticeeks.PrivateCaDomain;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

/**
 * The Java app of the publish rehearsal (scripts/publish-rehearsal.sh): Maven resolved
 * io.github.cdklatticeeks:cdk-lattice-eks by coordinates from the rehearsal's file
 * repository, and aws-cdk-lib and constructs from the dependencies of its POM.
 */
public final class RehearsalApp {
  private RehearsalApp() {}

  public static void main(final String[] args) {
    // The output folder comes from CDK_OUTDIR, as under the CDK CLI.
    App app = new App();
    Stack stack = new Stack(app, "Rehearsal");
    PrivateCaDomain.Builder.create(stack, "Domain").domainName("example.com").build();
    LatticeServiceNetwork.Builder.create(stack, "Network").serviceNetworkName("lattice-gateway").build();
    app.synth();
  }
}
